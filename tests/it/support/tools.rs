//! External tools some tests check against (the stock `minisign`, `age`).
//! A missing tool skips the test with a message, unless
//! `DOORSTEP_REQUIRE_TOOLS` is set (as `.ci/run` does): then it fails.

/// Is `cmd` on PATH? When not: a skip message, or a failure under
/// `DOORSTEP_REQUIRE_TOOLS`.
pub fn have(cmd: &str) -> bool {
    let found = std::process::Command::new("sh")
        .args(["-c", &format!("command -v {cmd}")])
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            std::env::var_os("DOORSTEP_REQUIRE_TOOLS").is_none(),
            "`{cmd}` is not installed and DOORSTEP_REQUIRE_TOOLS is set (apt-get install -y {cmd})"
        );
        eprintln!("SKIPPED: `{cmd}` is not installed (apt-get install -y {cmd})");
    }
    found
}
