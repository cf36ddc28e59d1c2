"""The artifacts themselves, checked by independent validators: twine, packaging's metadata
validation, installer's RECORD check, tarfile's `data` filter; plus the sdist -> wheel
round trip, exact file lists and reproducibility."""

from __future__ import annotations

import gzip
import hashlib
import io
import os
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest
from installer import install
from installer.destinations import SchemeDictionaryDestination
from installer.sources import WheelFile
from packaging.metadata import Metadata

from conftest import SAMPLE_NAMES, run
from helpers import wheel_names

WHEEL_FILES = {'data-dirs': ['datakit/__init__.py',
               'datakit/ca.pem',
               'datakit/schema.json',
               'datakit/templates/page.html',
               'datakit-0.2.0.data/data/datakit/notes.txt',
               'datakit-0.2.0.data/scripts/datakit-report',
               'datakit-0.2.0.data/scripts/datakit-tool',
               'datakit-0.2.0.dist-info/licenses/LICENSE',
               'datakit-0.2.0.dist-info/sboms/sbom.cdx.json',
               'datakit-0.2.0.dist-info/METADATA',
               'datakit-0.2.0.dist-info/WHEEL',
               'datakit-0.2.0.dist-info/RECORD'],
 'flat-package': ['geometry/__init__.py',
                  'geometry/data/shapes.json',
                  'geometry/gui.py',
                  'geometry/shapes.py',
                  'geometry_tools-0.3.0rc1.dist-info/licenses/LICENSES/Apache-2.0.txt',
                  'geometry_tools-0.3.0rc1.dist-info/licenses/LICENSES/MIT.txt',
                  'geometry_tools-0.3.0rc1.dist-info/METADATA',
                  'geometry_tools-0.3.0rc1.dist-info/WHEEL',
                  'geometry_tools-0.3.0rc1.dist-info/entry_points.txt',
                  'geometry_tools-0.3.0rc1.dist-info/RECORD'],
 'multi-module': ['alpha/__init__.py',
                  'beta.py',
                  'multi_module-0.1.0.dist-info/METADATA',
                  'multi_module-0.1.0.dist-info/WHEEL',
                  'multi_module-0.1.0.dist-info/RECORD'],
 'namespace-gadgets': ['acme/gadgets/__init__.py',
                       'acme_gadgets-2.0.0.dist-info/METADATA',
                       'acme_gadgets-2.0.0.dist-info/WHEEL',
                       'acme_gadgets-2.0.0.dist-info/RECORD'],
 'namespace-widgets': ['acme/widgets/__init__.py',
                       'acme_widgets-1.0.0.dist-info/METADATA',
                       'acme_widgets-1.0.0.dist-info/WHEEL',
                       'acme_widgets-1.0.0.dist-info/RECORD'],
 'single-module': ['tinymod.py',
                   'tinymod-2024.1.dist-info/METADATA',
                   'tinymod-2024.1.dist-info/WHEEL',
                   'tinymod-2024.1.dist-info/entry_points.txt',
                   'tinymod-2024.1.dist-info/RECORD'],
 'src-basic': ['greet/__init__.py',
               'greet/cli.py',
               'greet/py.typed',
               'greet-1.2.0.dist-info/licenses/LICENSE',
               'greet-1.2.0.dist-info/METADATA',
               'greet-1.2.0.dist-info/WHEEL',
               'greet-1.2.0.dist-info/entry_points.txt',
               'greet-1.2.0.dist-info/RECORD'],
 'src-single-module': ['solo.py',
                       'solo-0.5.dist-info/METADATA',
                       'solo-0.5.dist-info/WHEEL',
                       'solo-0.5.dist-info/RECORD'],
 'stubs-only': ['foo-stubs/__init__.pyi',
                'foo-stubs/py.typed',
                'foo-stubs/sub/__init__.pyi',
                'foo_stubs-1.0.0.dist-info/METADATA',
                'foo_stubs-1.0.0.dist-info/WHEEL',
                'foo_stubs-1.0.0.dist-info/RECORD'],
 'unicode-metadata': ['café_tools/__init__.py',
                      'cafe_tools-1.0.post2.dist-info/licenses/LICENSE.txt',
                      'cafe_tools-1.0.post2.dist-info/METADATA',
                      'cafe_tools-1.0.post2.dist-info/WHEEL',
                      'cafe_tools-1.0.post2.dist-info/RECORD']}

SDIST_FILES = {'data-dirs': ['.env.example',
               'LICENSE',
               'PKG-INFO',
               'README.md',
               'bin/datakit-report',
               'bin/datakit-tool',
               'check_install.py',
               'docs/index.rst',
               'pyproject.toml',
               'sbom.cdx.json',
               'share/datakit/notes.txt',
               'src/datakit/__init__.py',
               'src/datakit/ca.pem',
               'src/datakit/schema.json',
               'src/datakit/templates/draft.html',
               'src/datakit/templates/page.html',
               'tests/test_datakit.py'],
 'flat-package': ['LICENSES/Apache-2.0.txt',
                  'LICENSES/MIT.txt',
                  'PKG-INFO',
                  'README.rst',
                  'check_install.py',
                  'geometry/__init__.py',
                  'geometry/data/shapes.json',
                  'geometry/gui.py',
                  'geometry/shapes.py',
                  'noxfile.py',
                  'pyproject.toml'],
 'multi-module': ['PKG-INFO',
                  'README.md',
                  'alpha/__init__.py',
                  'beta.py',
                  'check_install.py',
                  'pyproject.toml',
                  'setup_helper.py'],
 'namespace-gadgets': ['PKG-INFO',
                       'README.md',
                       'acme/gadgets/__init__.py',
                       'check_install.py',
                       'pyproject.toml'],
 'namespace-widgets': ['PKG-INFO',
                       'README.md',
                       'check_install.py',
                       'pyproject.toml',
                       'src/acme/widgets/__init__.py'],
 'single-module': ['PKG-INFO', 'README.txt', 'check_install.py', 'pyproject.toml', 'tinymod.py'],
 'src-basic': ['LICENSE',
               'PKG-INFO',
               'README.md',
               'check_install.py',
               'pyproject.toml',
               'src/greet/__init__.py',
               'src/greet/cli.py',
               'src/greet/py.typed'],
 'src-single-module': ['PKG-INFO',
                       'README.md',
                       'check_install.py',
                       'pyproject.toml',
                       'src/solo.py'],
 'stubs-only': ['PKG-INFO',
                'README.md',
                'check_install.py',
                'foo-stubs/__init__.pyi',
                'foo-stubs/py.typed',
                'foo-stubs/sub/__init__.pyi',
                'pyproject.toml'],
 'unicode-metadata': ['LICENSE.txt',
                      'PKG-INFO',
                      'README.md',
                      'check_install.py',
                      'pyproject.toml',
                      'src/café_tools/__init__.py']}


def wheel_member(path: Path, suffix: str) -> bytes:
    with zipfile.ZipFile(path) as zf:
        (name,) = [n for n in zf.namelist() if n.endswith(suffix)]
        return zf.read(name)


def sdist_member(path: Path, suffix: str) -> bytes:
    with tarfile.open(path) as tf:
        (member,) = [m for m in tf.getmembers() if m.name.endswith(suffix)]
        return tf.extractfile(member).read()


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_wheel_file_list_is_exact(name, built):
    assert wheel_names(built[name].wheel) == WHEEL_FILES[name]


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_sdist_file_list_is_exact(name, built):
    sdist = built[name].sdist
    base = sdist.name[: -len(".tar.gz")]
    with tarfile.open(sdist) as tf:
        names = tf.getnames()
    assert names == [f"{base}/{f}" for f in SDIST_FILES[name]]


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_twine_check_passes(name, built):
    b = built[name]
    out = run([sys.executable, "-m", "twine", "check", "--strict", b.wheel, b.sdist])
    assert out.stdout.count("PASSED") == 2, out.stdout


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_metadata_and_pkg_info_validate(name, built):
    b = built[name]
    for raw in (wheel_member(b.wheel, ".dist-info/METADATA"), sdist_member(b.sdist, "/PKG-INFO")):
        meta = Metadata.from_email(raw, validate=True)
        assert meta.name == _expected_name(name)
    pkg_info = Metadata.from_email(sdist_member(b.sdist, "/PKG-INFO"), validate=True)
    assert str(pkg_info.metadata_version) >= "2.2"


def _expected_name(sample: str) -> str:
    return {"src-basic": "greet", "flat-package": "Geometry.Tools", "single-module": "tinymod",
            "unicode-metadata": "cafe-tools", "data-dirs": "datakit", "multi-module": "multi-module",
            "namespace-gadgets": "acme-gadgets", "namespace-widgets": "acme-widgets",
            "src-single-module": "solo", "stubs-only": "foo-stubs"}[sample]


def test_metadata_fields_render_per_spec(built):
    raw = wheel_member(built["flat-package"].wheel, ".dist-info/METADATA")
    meta = Metadata.from_email(raw, validate=True)
    assert str(meta.version) == "0.3.0rc1"
    assert str(meta.license_expression) == "Apache-2.0 OR MIT"
    assert meta.license_files == ["LICENSES/Apache-2.0.txt", "LICENSES/MIT.txt"]
    assert meta.maintainer == "Team"
    assert meta.maintainer_email == '"Doe, Jane" <jane@example.org>'
    assert meta.description_content_type == "text/x-rst"
    entry_points = wheel_member(built["flat-package"].wheel, "entry_points.txt").decode()
    assert entry_points == (
        "[gui_scripts]\ngeometry-gui = geometry.gui:run\n\n"
        "[geometry.shapes]\nsquare = geometry.shapes:Square\n"
    )

    basic = Metadata.from_email(wheel_member(built["src-basic"].wheel, "METADATA"), validate=True)
    assert [str(r) for r in basic.requires_dist] == [
        'pytest>=7; python_version >= "3.8" and extra == "dev"'
    ]
    assert basic.provides_extra == ["dev"]
    assert basic.project_urls == {"Homepage": "https://example.org/greet"}
    assert str(basic.requires_python) == ">=3.8"
    assert basic.keywords == ["hello", "example"]
    assert basic.author_email == "Ada Lovelace <ada@example.org>"
    wheel_file = wheel_member(built["src-basic"].wheel, ".dist-info/WHEEL").decode()
    assert wheel_file == (
        "Wheel-Version: 1.0\nGenerator: rustbackend 0.1.0\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    )


def test_non_ascii_metadata_survives(built):
    raw = wheel_member(built["unicode-metadata"].wheel, "METADATA")
    text = raw.decode("utf-8")
    assert "Summary: Métadonnées non-ASCII: ünïcödé survives intact ☕\n" in text
    assert "Author: José Núñez\n" in text
    assert "Author-email: Zoë Ünal <zoe@example.org>, équipe@example.org\n" in text
    assert "Project-URL: Source Code, https://example.org/café\n" in text
    meta = Metadata.from_email(raw, validate=True)
    assert meta.description.startswith("# café-tools ☕")


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_wheel_from_sdist_equals_wheel_from_tree(name, built):
    b = built[name]
    assert wheel_names(b.wheel) == wheel_names(b.tree_wheel)
    assert wheel_member(b.wheel, "METADATA") == wheel_member(b.tree_wheel, "METADATA")
    # Same sources, same options: byte-identical.
    assert b.wheel.read_bytes() == b.tree_wheel.read_bytes()


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_installer_validates_record_and_installs(name, built, make_venv, tmp_path):
    env = make_venv()
    paths = env.py("import json, sysconfig; print(json.dumps(sysconfig.get_paths()))").stdout
    import json

    scheme = {k: v for k, v in json.loads(paths).items() if k in
              ("purelib", "platlib", "headers", "scripts", "data")}
    destination = SchemeDictionaryDestination(scheme, interpreter=str(env.python), script_kind="posix")
    with WheelFile.open(built[name].wheel) as source:
        source.validate_record(validate_contents=True)
        install(source, destination, additional_metadata={"INSTALLER": b"installer\n"})
    out = env.run(env.python, built[name].project / "check_install.py", cwd=tmp_path)
    assert out.stdout.strip().endswith("ok")


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_sdist_is_a_clean_pax_tar(name, built, tmp_path):
    sdist = built[name].sdist
    base = sdist.name[: -len(".tar.gz")]
    raw = sdist.read_bytes()
    assert raw[:2] == b"\x1f\x8b"
    assert int.from_bytes(raw[4:8], "little") == 315532800  # gzip header mtime
    with tarfile.open(sdist) as tf:
        for m in tf.getmembers():
            assert m.isfile(), m.name
            assert m.name.startswith(base + "/")
            assert (m.uid, m.gid, m.uname, m.gname) == (0, 0, "", "")
            assert m.mtime == 315532800
            assert m.mode in (0o644, 0o755)
        tf.extractall(tmp_path / "x", filter="data")
    assert (tmp_path / "x" / base / "pyproject.toml").is_file()


def test_non_ascii_sdist_paths_use_pax_records(built):
    with tarfile.open(built["unicode-metadata"].sdist) as tf:
        member = tf.getmember("cafe_tools-1.0.post2/src/café_tools/__init__.py")
        assert member.pax_headers.get("path") == member.name


def test_source_date_epoch_sets_timestamps(backend_venv, sample, tmp_path):
    project = sample("src-basic")
    env = dict(backend_venv.env, SOURCE_DATE_EPOCH="1700000000")
    code = "import rustbackend, sys; print(rustbackend.build_wheel(sys.argv[1])); print(rustbackend.build_sdist(sys.argv[1]))"
    run([backend_venv.python, "-c", code, tmp_path / "out"], env=env, cwd=project)
    with zipfile.ZipFile(tmp_path / "out" / "greet-1.2.0-py3-none-any.whl") as zf:
        assert {i.date_time for i in zf.infolist()} == {(2023, 11, 14, 22, 13, 20)}
    with tarfile.open(tmp_path / "out" / "greet-1.2.0.tar.gz") as tf:
        assert {m.mtime for m in tf.getmembers()} == {1700000000}


def test_builds_are_reproducible(backend_venv, sample, tmp_path):
    project = sample("flat-package")
    code = "import rustbackend, sys; rustbackend.build_wheel(sys.argv[1]); rustbackend.build_sdist(sys.argv[1])"
    for out in ("a", "b"):
        run([backend_venv.python, "-c", code, tmp_path / out], env=backend_venv.env, cwd=project)
        os.utime(project / "geometry" / "shapes.py")  # touching a file changes nothing
    for artifact in ("geometry_tools-0.3.0rc1-py3-none-any.whl", "geometry_tools-0.3.0rc1.tar.gz"):
        assert (tmp_path / "a" / artifact).read_bytes() == (tmp_path / "b" / artifact).read_bytes()


def test_executable_bit_is_kept_and_modes_normalized(backend_venv, sample, tmp_path):
    project = sample("src-basic")
    script = project / "src" / "greet" / "tool.sh"
    script.write_text("#!/bin/sh\necho hi\n")
    script.chmod(0o4775)  # setuid and group-write must not survive
    (project / "src" / "greet" / "cli.py").chmod(0o600)
    code = "import rustbackend, sys; rustbackend.build_wheel(sys.argv[1]); rustbackend.build_sdist(sys.argv[1])"
    run([backend_venv.python, "-c", code, tmp_path / "out"], env=backend_venv.env, cwd=project)
    with zipfile.ZipFile(tmp_path / "out" / "greet-1.2.0-py3-none-any.whl") as zf:
        modes = {i.filename: i.external_attr >> 16 for i in zf.infolist()}
    assert modes["greet/tool.sh"] == 0o100755
    assert modes["greet/cli.py"] == 0o100644
    with tarfile.open(tmp_path / "out" / "greet-1.2.0.tar.gz") as tf:
        assert tf.getmember("greet-1.2.0/src/greet/tool.sh").mode == 0o755
        assert tf.getmember("greet-1.2.0/src/greet/cli.py").mode == 0o644


def test_reproducible_across_checkout_paths_and_umasks(backend_venv, tmp_path):
    """Two checkouts at different paths, made under different umasks (so file modes differ:
    0644 vs 0600, 0755 vs 0700), give byte-identical wheels and sdists."""
    import shutil

    from conftest import SAMPLES

    outputs = []
    for i, umask in enumerate((0o022, 0o077)):
        old = os.umask(umask)
        try:
            project = tmp_path / f"checkout-{i}" / ("deeper/path" if i else "p") / "data-dirs"
            shutil.copytree(SAMPLES / "data-dirs", project, copy_function=shutil.copyfile)
            (project / "bin" / "datakit-tool").chmod(0o777 & ~umask)
        finally:
            os.umask(old)
        out = tmp_path / f"out-{i}"
        run([backend_venv.python, "-c", "import rustbackend, sys; rustbackend.build_wheel(sys.argv[1]); rustbackend.build_sdist(sys.argv[1])", out],
            env=backend_venv.env, cwd=project)
        outputs.append(out)
    assert (outputs[0] / "datakit-0.2.0.tar.gz").read_bytes() == (outputs[1] / "datakit-0.2.0.tar.gz").read_bytes()
    assert (outputs[0] / "datakit-0.2.0-py3-none-any.whl").read_bytes() == (outputs[1] / "datakit-0.2.0-py3-none-any.whl").read_bytes()
    with zipfile.ZipFile(outputs[1] / "datakit-0.2.0-py3-none-any.whl") as zf:
        assert zf.getinfo("datakit-0.2.0.data/scripts/datakit-tool").external_attr >> 16 == 0o100755
        assert zf.getinfo("datakit/__init__.py").external_attr >> 16 == 0o100644
        # A script whose shebang names a Python gets `#!python` (installers point that at
        # the environment's interpreter), packed executable whatever the checkout's mode.
        assert zf.read("datakit-0.2.0.data/scripts/datakit-report").startswith(b"#!python\nimport sys\n")
        assert zf.getinfo("datakit-0.2.0.data/scripts/datakit-report").external_attr >> 16 == 0o100755
        assert zf.read("datakit-0.2.0.data/scripts/datakit-tool").startswith(b"#!/bin/sh\n")


def test_parallel_packing_keeps_order_and_bytes_whatever_the_thread_count(backend_venv, tmp_path):
    """Thousands of small files around a 9 MiB one (streamed alone, not in a parallel run):
    the wheel lists them in order, every CRC and RECORD hash holds, and one thread or many
    give byte-identical wheels and sdists (runs and chunks do not depend on the thread count)."""
    project = tmp_path / "bulk"
    package = project / "bulk"
    for sub in ("a", "c"):
        (package / sub).mkdir(parents=True)
        for i in range(1500):
            (package / sub / f"m{i:04}.py").write_text(f"VALUE = {i}\n" * (i % 40 + 1))
    (package / "__init__.py").write_text("")
    (package / "b_big.bin").write_bytes(hashlib.sha256(b"seed").digest() * (9 * 1024 * 1024 // 32))
    (project / "pyproject.toml").write_text('[project]\nname = "bulk"\nversion = "1"\n')
    code = "import rustbackend, sys; rustbackend.build_wheel(sys.argv[1]); rustbackend.build_sdist(sys.argv[1])"
    outs = []
    for threads in ("1", "2", "7"):
        out = tmp_path / f"out-{threads}"
        run([backend_venv.python, "-c", code, out], env=dict(backend_venv.env, RAYON_NUM_THREADS=threads), cwd=project)
        outs.append(out)
    for artifact in ("bulk-1-py3-none-any.whl", "bulk-1.tar.gz"):
        assert len({(out / artifact).read_bytes() for out in outs}) == 1, artifact
    wheel = outs[0] / "bulk-1-py3-none-any.whl"
    with zipfile.ZipFile(wheel) as zf:
        assert zf.testzip() is None
        names = [n for n in zf.namelist() if not n.startswith("bulk-1.dist-info/")]
    assert names == sorted(names) and len(names) == 3002 and "bulk/b_big.bin" in names
    with WheelFile.open(wheel) as source:
        source.validate_record(validate_contents=True)


def test_tiny_entries_are_stored_and_the_rest_deflated(built, make_venv, tmp_path):
    """Entries under 128 bytes are stored (deflate would save a byte or two and costs more
    than the rest of the entry's work); anything larger is deflated. Python's zipfile reads
    the methods, installer checks every hash, and pip installs the wheel."""
    wheel = built["data-dirs"].wheel
    with zipfile.ZipFile(wheel) as zf:
        infos = zf.infolist()
        assert zf.testzip() is None
    methods = {(info.file_size < 128, info.compress_type) for info in infos}
    assert methods == {(True, zipfile.ZIP_STORED), (False, zipfile.ZIP_DEFLATED)}, methods
    with WheelFile.open(wheel) as source:
        source.validate_record(validate_contents=True)
    env = make_venv()
    env.pip("install", "--no-deps", wheel)
    assert env.py("import datakit; print(datakit.__file__)").stdout.strip().endswith("__init__.py")
