"""Read-side queries of the workspaces: lists and dashboards, each a fixed number of queries.

Views ask these functions for rows; the functions take a queryset already scoped with
``for_user`` (or the person) and never widen it. Figures come from the fields the services keep
on ``Assignment`` (progress, planned progress, warning level), aggregated in SQL.
"""
