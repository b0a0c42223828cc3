"""The `number`, `day` and `moment` filters on every template (a builtin library: no {% load %})."""

from django import template

from portal import formats

register = template.Library()
register.filter("number", formats.number)
register.filter("day", formats.day)
register.filter("moment", formats.moment)
