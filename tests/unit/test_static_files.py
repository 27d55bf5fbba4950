"""Hashed names of static files (summit/static_files.py), read from a folder: a file is
named by its content, and a module or style sheet by everything it reaches, which it
names by hashed name in turn."""

import hashlib
import posixpath

from summit.static_files import StaticFiles


def write(folder, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def short(name: str) -> str:
    return posixpath.basename(name)


def test_a_file_is_named_by_its_content(tmp_path):
    write(tmp_path, {"css/site.css": "body { color: black }", "LICENSE": "MIT"})
    files = StaticFiles(tmp_path)
    digest = hashlib.sha256(b"body { color: black }").hexdigest()[:12]
    assert files.by_name["css/site.css"].hashed == f"css/site.{digest}.css"
    assert files.by_hashed[f"css/site.{digest}.css"].body == b"body { color: black }"
    assert files.by_name["LICENSE"].hashed == "LICENSE." + hashlib.sha256(b"MIT").hexdigest()[:12]
    assert not files.changed()
    (tmp_path / "css" / "site.css").write_text("body { color: red }")
    assert files.changed()
    assert StaticFiles(tmp_path).by_name["css/site.css"].hashed != f"css/site.{digest}.css"
    # What the process read at start is what its hashed name keeps answering.
    assert files.by_hashed[f"css/site.{digest}.css"].body == b"body { color: black }"


def test_modules_import_each_other_by_hashed_names(tmp_path):
    write(
        tmp_path,
        {
            "js/main.js": 'import { a } from "./a.js";\n'
            'import "../lib/b.js";\n'
            "const later = () => import('./c.js');\n"
            'import x from "https://elsewhere.example/x.js";\n'
            'import y from "./missing.js";\n',
            "js/a.js": 'export { b } from "../lib/b.js";\nexport const a = 1;\n',
            "lib/b.js": "export const b = 2;\n",
            # An import cycle: main -> c -> main.
            "js/c.js": 'import { a } from "./main.js";\nexport const c = 3;\n',
            "js/other.js": "export const other = 4;\n",
        },
    )
    files = StaticFiles(tmp_path)
    hashed = {name: file.hashed for name, file in files.by_name.items()}
    main = files.by_name["js/main.js"].body.decode()
    assert f'import {{ a }} from "./{short(hashed["js/a.js"])}";' in main
    assert f'import "../lib/{short(hashed["lib/b.js"])}";' in main
    assert f"import('./{short(hashed['js/c.js'])}')" in main
    # Another origin's module and a file that is not there are left as they are.
    assert '"https://elsewhere.example/x.js"' in main and '"./missing.js"' in main
    assert f'from "../lib/{short(hashed["lib/b.js"])}"' in files.by_name["js/a.js"].body.decode()

    # A change below renames every module that reaches it (through the cycle too), and
    # nothing else.
    (tmp_path / "lib" / "b.js").write_text("export const b = 20;\n")
    after = StaticFiles(tmp_path)
    renamed = {name for name in hashed if after.by_name[name].hashed != hashed[name]}
    assert renamed == {"lib/b.js", "js/a.js", "js/main.js", "js/c.js"}
    assert after.release != files.release


def test_style_sheets_use_files_by_hashed_names(tmp_path):
    write(
        tmp_path,
        {
            "css/site.css": '@import "parts.css";\n'
            "body { background: url(../img/dot.svg) }\n"
            'a { background: url("data:image/png;base64,AAAA") }\n'
            "b { background: url(/img/dot.svg) }\n",
            "css/parts.css": "p { margin: 0 }\n",
            "img/dot.svg": "<svg xmlns='http://www.w3.org/2000/svg'/>\n",
        },
    )
    files = StaticFiles(tmp_path)
    site = files.by_name["css/site.css"].body.decode()
    assert f'@import "{short(files.by_name["css/parts.css"].hashed)}";' in site
    assert f"url(../img/{short(files.by_name['img/dot.svg'].hashed)})" in site
    assert 'url("data:image/png;base64,AAAA")' in site and "url(/img/dot.svg)" in site
