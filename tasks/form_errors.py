"""How a service's RuleViolation lands on a form: on the field it names, else on the whole form."""

from django.core.exceptions import ValidationError


def add_rule_violation(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            messages = [message for item in errors for message in item.messages]
            form.add_error(name if name in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)
