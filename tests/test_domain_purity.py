"""The domain stays pure: its modules import the standard library and each other, nothing else."""
import ast
import sys
from pathlib import Path

DOMAIN = Path(__file__).resolve().parent.parent / "webapp" / "domain"


def test_the_domain_imports_only_the_standard_library_and_itself():
    outside = []
    for module in sorted(DOMAIN.glob("*.py")):
        for node in ast.walk(ast.parse(module.read_text())):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module or ""]
            else:
                continue  # a relative import stays inside webapp.domain (one level)
            outside += [f"{module.name}: {name}" for name in names
                        if name.split(".")[0] not in sys.stdlib_module_names]
    assert outside == []


def test_relative_imports_stay_in_the_domain():
    for module in DOMAIN.glob("*.py"):
        for node in ast.walk(ast.parse(module.read_text())):
            if isinstance(node, ast.ImportFrom):
                assert node.level in (0, 1), f"{module.name} imports from outside the domain"
