"""The sign-in page's HTML: one question per step, plain GOV.UK-like look, no scripts.

Pure: takes what to show, returns HTML text with every value escaped. The handlers in
:mod:`msp_learn.server._signin` decide which step to show.

Steps: ``name`` (who are you?), ``secret`` (a taken name: its secret), ``new`` (a new name:
choose a secret and type it again), ``signed-in`` (already signed in: continue or sign out).
"""

from __future__ import annotations

from html import escape
from urllib.parse import urlencode

from msp_learn.identity import SECRET_MIN

#: The kit's one font family (the same stack as the views' msp_learn/widgets/style.css and
#: the Voila template): system fonts, nothing fetched.
FONT = ('-apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, "Helvetica Neue", Arial, '
        '"Liberation Sans", "Noto Sans", sans-serif')

CSS = """
body { margin: 0; font-family: FONT; font-size: 1.1875rem; line-height: 1.5; color: #0b0c0c;
  background: #fff; }
@media (max-width: 40em) { body { font-size: 1rem; } h1 { font-size: 1.75rem; } }
header { background: #0b0c0c; color: #fff; border-bottom: 0.5rem solid #1d70b8; }
header p { max-width: 50rem; box-sizing: border-box; margin: 0 auto; padding: 0.6rem 1rem;
  font-size: 1.125rem; font-weight: 700; }
@media (max-width: 40em) { header p { font-size: 1rem; } }
main { max-width: 50rem; box-sizing: border-box; margin: 0 auto; padding: 0.75rem 1rem 3rem; }
h1 { font-size: 2.25rem; line-height: 1.2; margin: 1.5rem 0 1.25rem; }
p { max-width: 38rem; }
label { display: block; font-weight: 700; margin: 1.2rem 0 0.2rem; }
.hint { display: block; color: #484949; margin: 0 0 0.4rem; }
input[type=text], input[type=password] { font: inherit; width: 100%; max-width: 24rem;
  box-sizing: border-box; padding: 0.4rem; border: 2px solid #0b0c0c; border-radius: 0; }
input:focus { outline: 3px solid #fd0; outline-offset: 0; box-shadow: inset 0 0 0 2px; }
.error-message { display: block; color: #b10e1e; font-weight: 700; margin: 0 0 0.3rem; }
.field-error { border-left: 5px solid #b10e1e; padding-left: 0.8rem; }
.field-error input { border-color: #b10e1e; }
.error-summary { border: 5px solid #b10e1e; padding: 0.8rem 1rem; margin: 1rem 0; }
.error-summary h2 { font-size: 1.3rem; margin: 0 0 0.5rem; }
.error-summary a { color: #b10e1e; font-weight: 700; }
.notice { border-left: 10px solid #1d70b8; padding: 0.3rem 1rem; background: #f3f2f1; }
button { font: inherit; font-weight: 400; margin-top: 1.5rem; padding: 0.5rem 1rem;
  color: #fff; background: #00703c; border: 0; border-bottom: 2px solid #002d18;
  cursor: pointer; }
button:focus { outline: 3px solid #fd0; color: #0b0c0c; background: #fd0; }
button.secondary { color: #0b0c0c; background: #f3f2f1; border-bottom-color: #929191; }
a { color: #1d70b8; }
a:focus { outline: 3px solid #fd0; background: #fd0; color: #0b0c0c; }
""".replace("FONT;", FONT + ";", 1)

TITLES = {
    "name": "Sign in to MSP Learn",
    "secret": "Enter your secret",
    "new": "Choose a secret",
    "signed-in": "You are signed in",
}


def _field(field_id: str, label: str, hint: str, errors: dict[str, str], *, kind: str = "text",
           value: str = "", autocomplete: str = "off", autofocus: bool = False) -> str:
    error = errors.get(field_id)
    if errors:  # after a problem, the cursor goes to the first field that has one
        autofocus = field_id == next(iter(errors))
    described = [f"{field_id}-hint"] + ([f"{field_id}-error"] if error else [])
    return (
        f"<div class='field{' field-error' if error else ''}'>"
        f"<label for='{field_id}'>{escape(label)}</label>"
        f"<span class='hint' id='{field_id}-hint'>{escape(hint)}</span>"
        + (f"<span class='error-message' id='{field_id}-error'><span class='visually-hidden'>"
           f"Error: </span>{escape(error)}</span>" if error else "")
        + f"<input id='{field_id}' name='{field_id}' type='{kind}' value='{escape(value)}' "
          f"autocomplete='{autocomplete}' spellcheck='false' "
          f"aria-describedby='{' '.join(described)}'"
        + (" aria-invalid='true'" if error else "")
        + (" autofocus" if autofocus else "") + " required></div>")


def render(step: str, *, action: str, xsrf: str, next_url: str, name: str = "",
           errors: dict[str, str] | None = None, notice: str = "", app_url: str = "",
           sign_out_url: str = "") -> str:
    """The whole sign-in page for ``step`` (see the module docstring)."""
    errors = errors or {}
    title = TITLES[step]
    parts = []
    if errors:
        items = "".join(f"<li><a href='#{escape(k)}'>{escape(v)}</a></li>"
                        for k, v in errors.items())
        parts.append("<div class='error-summary' role='alert' aria-labelledby='error-title' "
                     "tabindex='-1' id='error-summary'><h2 id='error-title'>There is a problem"
                     f"</h2><ul>{items}</ul></div>")
    if notice:
        parts.append(f"<p class='notice' role='status'>{escape(notice)}</p>")
    parts.append(f"<h1>{escape(title)}</h1>")
    hidden = (xsrf + f"<input type='hidden' name='next' value='{escape(next_url)}'>"
              f"<input type='hidden' name='step' value='{escape(step)}'>")
    if step == "signed-in":
        parts.append(f"<p>You are signed in as <strong>{escape(name)}</strong>.</p>"
                     f"<p><a href='{escape(next_url or app_url)}'>Continue as "
                     f"{escape(name)}</a></p><p><a href='{escape(sign_out_url)}'>Not "
                     f"{escape(name)}? Sign out</a></p>")
    elif step == "name":
        parts.append(
            "<p>Everything you do is saved under your name, and only you can see it.</p>"
            f"<form method='post' action='{escape(action)}' novalidate>{hidden}"
            + _field("name", "Your name or a pseudonym", "The same name each time you come "
                     "back. You can use a made-up name.", errors, value=name,
                     autocomplete="username", autofocus=True)
            + "<button type='submit'>Continue</button></form>")
    else:
        hidden += f"<input type='hidden' name='name' value='{escape(name)}'>"
        restart = escape(action + "?" + urlencode({"next": next_url}))
        if step == "secret":
            intro = (f"<p>The name <strong>{escape(name)}</strong> is taken. If it is yours, "
                     "enter its secret. If not, <a href='" + restart + "'>choose another name</a>.</p>")
            fields = _field("secret", "Secret", "The PIN or passphrase you chose for this "
                            "name. Forgotten it? Ask the person running the kit to reset it.",
                            errors, kind="password", autocomplete="current-password",
                            autofocus=True)
            button = "Sign in"
        else:
            intro = (f"<p><strong>{escape(name)}</strong> is a new name here. Choose a secret "
                     "to keep your work yours: a PIN or a few words you will remember. "
                     f"<a href='{restart}'>Use a different "
                     "name</a>.</p>")
            fields = (_field("secret", "Secret", f"At least {SECRET_MIN} characters.",
                             errors, kind="password", autocomplete="new-password",
                             autofocus=True)
                      + _field("secret2", "Type your secret again", "To check it.", errors,
                               kind="password", autocomplete="new-password"))
            button = "Save my secret and continue"
        parts.append(intro + f"<form method='post' action='{escape(action)}' novalidate>"
                     f"{hidden}{fields}<button type='submit'>{button}</button></form>")
    return (
        "<!DOCTYPE html><html lang='en-GB'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        "<link rel='icon' href='data:,'>"  # no /favicon.ico request (a 404 in the console)
        f"<title>{'Error: ' if errors else ''}{escape(title)} | MSP Learn</title>"
        f"<style>{CSS} .visually-hidden {{ position: absolute; width: 1px; height: 1px; "
        "overflow: hidden; clip: rect(0 0 0 0); }</style></head><body>"
        "<header><p>MSP Learn: Making Safeguarding Personal</p></header>"
        f"<main id='main'>{''.join(parts)}</main></body></html>")
