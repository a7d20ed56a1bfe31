"""What every app of the site shares and no domain owns: the list kit (``core.lists``)."""
