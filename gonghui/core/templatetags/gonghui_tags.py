from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """``{{ labels|get_item:action }}``: dictionary lookup with a variable key."""
    return mapping.get(key, key)
