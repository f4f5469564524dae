from shared.migrations import run_env
from tests.shared.sample.app import SPEC

run_env(SPEC)
