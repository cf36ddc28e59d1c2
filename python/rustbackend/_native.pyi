"""Type stubs for the native core (built from src/python.rs)."""

from os import PathLike
from typing import Dict, List, Mapping, Optional, Tuple, Union

_Path = Union[str, "PathLike[str]"]

__version__: str

_Settings = Optional[Mapping[str, Union[str, List[str]]]]

def build_wheel(
    project_dir: _Path,
    out_dir: _Path,
    metadata_directory: Optional[_Path] = ...,
    config_settings: _Settings = ...,
    source_date_epoch: Optional[int] = ...,
    interpreter: Optional[Dict[str, str]] = ...,
    editable: bool = ...,
) -> Tuple[str, List[str]]: ...
def build_sdist(
    project_dir: _Path,
    out_dir: _Path,
    config_settings: _Settings = ...,
    source_date_epoch: Optional[int] = ...,
) -> Tuple[str, List[str]]: ...
def prepare_metadata(
    project_dir: _Path, metadata_directory: _Path, config_settings: _Settings = ...
) -> Tuple[str, List[str]]: ...
def list_files(
    project_dir: _Path,
    kind: str,
    config_settings: _Settings = ...,
    interpreter: Optional[Dict[str, str]] = ...,
) -> Tuple[List[Tuple[str, str]], List[Tuple[str, str]], Optional[str], List[str]]: ...
def check_project(project_dir: _Path) -> List[str]: ...
def build_requirements(project_dir: _Path) -> List[str]: ...
def check_artifact(path: _Path) -> Tuple[List[str], List[str]]: ...
def _panic_for_test(on_worker: bool = False) -> None: ...
def migrate(project_dir: _Path, facts: str, answers: List[Tuple[str, str]]) -> Dict[str, object]: ...
def migrate_add_globs(text: str, path: str, globs: List[str]) -> str: ...
