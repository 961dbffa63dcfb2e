"""The client's HTML copy of an executed consultant notebook.

:func:`export_html` writes, from an executed notebook, the copy a consultant sends the client:

* inputs (code) hidden; the narrative, tables and charts stay;
* cells tagged ``consultant-only`` (how-to notes), ``checks`` (the assertions CI relies on),
  ``parameters`` and ``injected-parameters`` removed, and so is anything written to stderr;
* no external requests: charts are inline SVG (see :mod:`tpo_scoping.display`), and the
  template drops the require.js, MathJax, Mermaid and widget scripts nbconvert would load
  from a CDN;
* nothing runs: prospect and data text is escaped where the notebooks display it
  (:mod:`tpo_scoping.display`), and the page carries the brief's Content-Security-Policy
  (:data:`tpo_scoping.report.safe.CONTENT_SECURITY_POLICY`: no script, no request).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

CLIENT_HIDDEN_TAGS = ("consultant-only", "checks", "parameters", "injected-parameters")
"""Cells with any of these tags are left out of the client's HTML copy."""

# The client copy must open with no network: drop every script nbconvert's lab template would
# fetch from a CDN, and add a little print-friendly styling of our own.
_CLIENT_TEMPLATE = r"""{%- extends 'lab/index.html.j2' -%}
{%- block html_head -%}
<meta http-equiv="Content-Security-Policy" content="{{ resources.tpo_content_security_policy }}">
{{ super() }}
{%- endblock html_head -%}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block extra_css -%}
<style type="text/css">
  body.jp-Notebook { max-width: 1000px; margin: 0 auto; padding: 32px 40px 64px; }
  .jp-RenderedHTMLCommon, .jp-RenderedMarkdown {
    font-family: "DejaVu Sans", Helvetica, Arial, sans-serif; font-size: 15px; line-height: 1.55;
  }
  .jp-RenderedHTMLCommon h1 { font-size: 28px; border-bottom: 3px solid #1f6f8b;
    padding-bottom: 6px; }
  .jp-RenderedHTMLCommon h2 { font-size: 21px; color: #1f6f8b; margin-top: 28px; }
  .jp-RenderedHTMLCommon h3 { font-size: 17px; }
  .jp-RenderedHTMLCommon table { font-size: 13px; margin: 8px 0 16px; }
  .jp-OutputArea-output svg { max-width: 100%; height: auto; }
  .jp-Cell { padding: 2px 0; }
  .tpo-footer { max-width: 1000px; margin: 40px auto 0; padding: 8px 40px; color: #666;
    font: 12px "DejaVu Sans", Helvetica, Arial, sans-serif; border-top: 1px solid #ddd; }
</style>
{%- endblock extra_css -%}
{% block data_svg scoped -%}
<div class="jp-RenderedSVG jp-OutputArea-output {{ extra_class }}" data-mime-type="image/svg+xml">
<img src="data:image/svg+xml;base64,{{ output.data['image/svg+xml'] | text_base64 | escape_html }}"
 alt="{{ output.data.get('text/plain', 'chart') | escape_html }}">
</div>
{%- endblock data_svg %}
{%- block body_footer -%}
<div class="tpo-footer">{{ resources.get('tpo_footer', '') | escape_html_keep_quotes }}</div>
</body>
{%- endblock body_footer -%}
"""


def export_html(
    executed: str | Path,
    html_path: str | Path,
    *,
    client: bool = True,
    footer: str = "",
) -> Path:
    """Write an HTML copy of an executed notebook that opens offline.

    With ``client=True`` (the copy a client receives) code inputs, prompts, stderr output and
    cells tagged with any of :data:`CLIENT_HIDDEN_TAGS` are left out.

    Examples
    --------
    >>> export_html("out/01_discovery_call.ipynb", "out/01_discovery_call.html")  # doctest: +SKIP
    PosixPath('out/01_discovery_call.html')
    """
    import jinja2
    import nbformat
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor
    from traitlets.config import Config

    from tpo_scoping.report.safe import CONTENT_SECURITY_POLICY
    from tpo_scoping.serialize import write_atomic

    nb = nbformat.read(str(executed), as_version=4)
    nb.metadata.pop("widgets", None)
    nb.metadata.pop("papermill", None)
    if client:
        for cell in nb.cells:
            cell["outputs"] = [o for o in cell.get("outputs", []) if o.get("name") != "stderr"]
    config = Config()
    config.HTMLExporter.template_file = "tpo_client_report.html.j2"
    if client:
        config.HTMLExporter.exclude_input = True
        config.HTMLExporter.exclude_input_prompt = True
        config.HTMLExporter.exclude_output_prompt = True
        config.TagRemovePreprocessor.remove_cell_tags = set(CLIENT_HIDDEN_TAGS)
        config.TagRemovePreprocessor.enabled = True
    exporter = HTMLExporter(
        config=config,
        template_name="lab",
        extra_loaders=[jinja2.DictLoader({"tpo_client_report.html.j2": _CLIENT_TEMPLATE})],
    )
    exporter.register_preprocessor(TagRemovePreprocessor(config=config), enabled=client)
    title = _title(nb) or Path(executed).stem
    body, _ = exporter.from_notebook_node(
        nb,
        resources={
            "metadata": {"name": title},
            "tpo_footer": footer,
            "tpo_content_security_policy": CONTENT_SECURITY_POLICY,
        },
    )
    written = write_atomic(html_path, body)
    written.chmod(0o644)
    return written


def _title(nb: Any) -> str:
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return str(line[2:].strip())
    return ""
