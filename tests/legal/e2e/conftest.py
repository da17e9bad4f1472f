"""Browser stories of the legal services kept with the app's tests: the fixtures of tests/e2e (the
browser, the phone-sized page, screenshots, the reseeding after a flush). The folder is named
e2e so that a run with GONGZHI_SKIP_E2E=1 skips these stories as it skips tests/e2e."""

from tests.e2e.conftest import browser, no_csp_violations, phone, seeded, shot  # noqa: F401
