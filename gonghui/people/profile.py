"""Extra sections on the console worker page, contributed by other apps.

``people`` imports none of them: an app registers a callable ``(request, worker) -> str`` from
its ``AppConfig.ready()``; ``worker_detail`` renders what each returns (empty means nothing).
Return a rendered template (a SafeString); plain strings are escaped.
"""

from collections.abc import Callable

_SECTIONS: list[Callable] = []


def register_section(render: Callable) -> Callable:
    """Add a section (once); usable as a decorator."""
    if render not in _SECTIONS:
        _SECTIONS.append(render)
    return render


def render_sections(request, worker) -> list[str]:
    return [html for render in _SECTIONS if (html := render(request, worker))]
