"""The honours section of the console worker page (registered in ``HonorsConfig.ready``)."""

from django.template.loader import render_to_string

from .selectors import worker_honors


def honors_section(request, worker) -> str:
    honours = worker_honors(worker)
    if not honours:
        return ""
    return render_to_string(
        "console/honors/_worker_section.html", {"honours": honours}, request=request
    )
