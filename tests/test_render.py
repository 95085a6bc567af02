"""The page itself: self-contained, escaped, the same JSON as --json."""

import re

from reportgen.render.document import script_safe, to_json

HOSTILE = '<img src=x onerror="window.__pwned=1">'


def hostile_csv(path):
    lines = ['"Name","State","Tags","Sweep","lr","opt","val_loss"']
    for i in range(12):
        name = f"{HOSTILE}{i}" if i % 2 else f"run-{i}"
        opt = ["adam", HOSTILE, "</script><script>window.__pwned=3</script>"][i % 3]
        lines.append(",".join('"' + v.replace('"', '""') + '"' for v in
                              [name, "finished", HOSTILE, "s<b>1</b>", str(10 ** -(i % 5 + 1)),
                               opt, str(0.1 * i + 0.05)]))
    path.write_text("\n".join(lines) + "\n")
    return path


def test_user_text_is_escaped_everywhere(cli, tmp_path):
    out = tmp_path / "h.html"
    result = cli("build", hostile_csv(tmp_path / "h.csv"), "-o", out, "--params", "lr,opt")
    assert result.exit_code == 0, result.output
    html = out.read_text()
    assert HOSTILE not in html and "<img src=x" not in html
    assert "window.__pwned=3</script>" not in html
    assert "&lt;img src=x onerror=&#34;window.__pwned=1&#34;&gt;" in html  # Jinja-escaped text
    assert "s&lt;b&gt;1&lt;/b&gt;" in html


def test_self_contained_no_external_urls(cli, tmp_path):
    out = tmp_path / "d.html"
    cli("build", "demo:grid", "-o", out)
    html = out.read_text()
    assert not re.search(r'<script[^>]+src=', html)
    assert not re.search(r'<link[^>]+href=', html)
    assert "cdn.bokeh.org" not in html
    assert "default-src 'none'" in html  # the page may not fetch anything
    style = re.search(r"<style>(.*?)</style>", html, re.S).group(1)
    assert '"Segoe UI"' in style and "&#34;" not in style  # CSS inlined as is, not escaped


def test_script_safe_json():
    text = to_json({"a": "</script><b>&", "n": float("nan")})
    assert '"n": null' in text
    safe = script_safe(text)
    assert "</script>" not in safe and "<" not in safe and "&" not in safe


def test_the_plot_script_is_shipped_once_in_a_page_of_several_plots(cli, tmp_path):
    """Each JavaScript file of the parallel plots appears once, however many plots call it;
    the plots' callbacks only call into it."""
    from importlib import resources

    from reportgen.plots.parallel import JS_FILES

    out = tmp_path / "d.html"
    assert cli("build", "demo", "-o", out, "-q").exit_code == 0
    html = out.read_text()
    for name in JS_FILES:
        text = (resources.files("reportgen.plots") / "js" / name).read_text()
        first = text.splitlines()[0]
        assert html.count(first) == 1, name
    assert html.count("window.reportgen_parallel = (function") == 1
    calls = re.findall(r"return window\.reportgen_parallel\.handle\(", html)
    assert len(calls) == 4  # three sweeps and the comparison, each only calling in
