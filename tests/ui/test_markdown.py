"""Pack text is shown through a small, escaping Markdown subset: no HTML, no images."""

from __future__ import annotations

from mlcert_desktop.ui.markdown import inline, to_html


def test_html_and_images_in_pack_text_are_shown_as_text():
    out = to_html('Hi <b>there</b> ![x](https://evil.example/p.png) <img src="http://a/b">')
    assert "<b>there</b>" not in out and "<img" not in out
    assert "&lt;b&gt;there&lt;/b&gt;" in out and "https://evil.example/p.png" in out


def test_supported_subset():
    assert (
        inline("**bold**, *it* and `x < y`") == "<b>bold</b>, <i>it</i> and <code>x &lt; y</code>"
    )
    assert to_html("one\ntwo\n\nthree") == "<p>one<br>two</p><p>three</p>"


def test_fenced_code_block_is_preformatted_and_escaped():
    out = to_html("Before:\n\n```python\nif a < b:\n    run()\n```\n\nAfter.")
    assert out == "<p>Before:</p><pre>if a &lt; b:\n    run()</pre><p>After.</p>"
