"""Fails when the English catalogue misses a translation.

Chinese is the source language (the msgids); English is the one translation, in
src/gongzhi/locale/en/LC_MESSAGES/django.po. The check copies the package to a temporary
directory, runs `makemessages -l en` there (so a developer's run never churns the tracked
file), and fails listing every msgid of the code that has an empty or fuzzy English entry,
then runs `msgfmt -c` on the result. Needs GNU gettext (xgettext, msgattrib, msgfmt), which
makemessages needs anyway.

The project has no translatable JavaScript (the scripts carry no text), so only the
`django` domain is checked. Before that, the check refuses a translation function imported
under a name xgettext does not know (`gettext_lazy as _lazy`, `gettext_noop as N_`): the
messages marked with it would silently never reach the catalogue.

Usage: .venv/bin/python scripts/check-translations.py   (exit 1 on any missing translation)
"""

import ast
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "gongzhi"
CATALOGUE = Path("locale") / "en" / "LC_MESSAGES" / "django.po"
# What makemessages never needs to read: static files carry no text of the django domain.
SKIP = shutil.ignore_patterns("__pycache__", "*.pyc", "static", "*.mo")
# The names makemessages passes to xgettext as keywords (xgettext's Python defaults and Django's
# additions): a translation function bound to any other name is invisible to extraction.
KEYWORDS = {
    "_",
    "gettext",
    "gettext_lazy",
    "gettext_noop",
    "ngettext",
    "ngettext_lazy",
    "pgettext",
    "pgettext_lazy",
    "npgettext",
    "npgettext_lazy",
}


def run(*args, cwd=None):
    """Runs one command; a failure stops the check with the command's own output."""
    result = subprocess.run(args, check=False, cwd=cwd, capture_output=True, text=True)
    if result.returncode:
        sys.stderr.write(result.stdout or "")
        sys.stderr.write(result.stderr or "")
        sys.exit(f"check-translations: {' '.join(map(str, args))} failed")
    return result.stdout


def entries(po_text):
    """The msgids of a PO text, header left out (msgattrib prints whole entries)."""
    found, current, reading = [], [], False
    for line in po_text.splitlines() + [""]:
        if line.startswith("msgid "):
            current, reading = [line[6:]], True
        elif reading and line.startswith('"'):
            current.append(line)
        else:
            if reading:
                text = "".join(part.strip()[1:-1] for part in current)
                if text:
                    found.append(text)
            reading = False
    return found


def unknown_aliases():
    """`file:line: name` for every translation function imported under a name xgettext ignores."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation":
                for alias in node.names:
                    bound = alias.asname or alias.name
                    if alias.name in KEYWORDS and bound not in KEYWORDS:
                        found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {alias.name} as {bound}")
    return found


def main():
    """Runs makemessages on a copy, lists what is untranslated or fuzzy, checks with msgfmt."""
    aliases = unknown_aliases()
    if aliases:
        print("Translation functions under names makemessages does not extract (import them by name):")
        for line in aliases:
            print(f"  {line}")
        return 1
    for tool in ("xgettext", "msgmerge", "msgattrib", "msgfmt"):
        if not shutil.which(tool):
            sys.exit(f"check-translations: {tool} is missing (Debian: apt-get install gettext)")
    gongzhi = Path(sys.executable).with_name("gongzhi")
    with tempfile.TemporaryDirectory(prefix="gongzhi-i18n-") as tmp:
        copy = Path(tmp) / "gongzhi"
        shutil.copytree(PACKAGE, copy, ignore=SKIP)
        command = [str(gongzhi), "makemessages", "-l", "en", "--no-obsolete", "-v", "0"]
        # makemessages writes to the `locale` directory it meets in the tree it walks: the copy's.
        run(*command, cwd=copy)
        po = copy / CATALOGUE
        untranslated = entries(run("msgattrib", "--untranslated", "--no-obsolete", str(po)))
        fuzzy = entries(run("msgattrib", "--only-fuzzy", "--no-obsolete", str(po)))
        run("msgfmt", "-c", "-o", os.devnull, str(po))
    for title, msgids in (("untranslated", untranslated), ("fuzzy", fuzzy)):
        if msgids:
            print(f"{len(msgids)} {title} in {CATALOGUE}:")
            for msgid in msgids:
                print(f"  {msgid}")
    if untranslated or fuzzy:
        print(
            "Add the English to src/gongzhi/" + str(CATALOGUE) + " (cd src/gongzhi && "
            "../../.venv/bin/gongzhi makemessages -l en --no-obsolete), then compile it."
        )
        return 1
    print("English catalogue complete.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
