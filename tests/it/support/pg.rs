//! A fresh PostgreSQL database per test (see `doorstep_office::testing`:
//! `DOORSTEP_TEST_PG`, or a private throwaway cluster per test process).
//! No PostgreSQL: the test skips with a message, unless
//! `DOORSTEP_REQUIRE_TOOLS` is set (as `.ci/run` does): then it fails.

/// A new empty database's URL, or None (skip) when there is no server.
pub fn database() -> Option<String> {
    match doorstep_office::testing::fresh_database() {
        Ok(url) => Some(url),
        Err(why) => {
            assert!(
                std::env::var_os("DOORSTEP_REQUIRE_TOOLS").is_none(),
                "no PostgreSQL for the tests and DOORSTEP_REQUIRE_TOOLS is set: {why}"
            );
            eprintln!("SKIPPED (PostgreSQL): {why}");
            None
        }
    }
}
