//! The supervisor's review app as a person uses it: the real binary in a
//! pseudo-terminal on `doorstep review --demo`, the flagged interviews of
//! the careless demo surveyor found with the filter, one rejected with a
//! comment, quit; the decision is in the demo's supervisor store and the
//! terminal was given back.

use std::time::Duration;

use doorstep_store::decisions::DecisionKind;

use crate::support;
use support::pty::Session;

const STEP: Duration = Duration::from_secs(10);

#[test]
fn reject_a_flagged_interview_in_the_review_demo() {
    let home = tempfile::tempdir().unwrap();
    let data_dir = home.path().join("data");
    let config = home.path().join("config.toml");
    let mut s = Session::start_command(&data_dir, &config, home.path(), &["review", "--demo"]);
    // Building the demo simulates three surveyors' day first.
    s.wait_for("Signature", Duration::from_secs(120));
    let inbox = s.text();
    for surveyor in ["S01", "S02", "S03"] {
        assert!(inbox.contains(surveyor), "{inbox}");
    }
    assert!(!inbox.contains("INVALID"), "{inbox}");

    // Interviews, only the flagged ones: all the careless surveyor's.
    s.send("2");
    s.wait_for("filter: all", STEP);
    s.send("f");
    s.wait_for("filter: flagged", STEP);
    let flagged = s.text();
    assert!(flagged.contains("speeding"), "{flagged}");
    assert!(
        !flagged.contains("S01 ") && !flagged.contains("S02 "),
        "{flagged}"
    );

    // The first one's detail; its id heads the screen.
    s.send("\r");
    s.wait_for("Answers", STEP);
    let id = s
        .rows()
        .iter()
        .find_map(|r| r.split(" · ").next().filter(|w| w.trim().len() == 36))
        .map(|w| w.trim().to_string())
        .unwrap_or_else(|| panic!("no interview id on screen:\n{}", s.text()));

    // Reject, with a reason pasted (bracketed paste, over two lines and
    // with a tab: one line of text in the comment).
    s.send("r");
    s.wait_for("Reject this interview", STEP);
    s.send("\x1b[200~too fast: 2 minutes\r\nfor\t57 questions\x1b[201~");
    s.wait_for("57 questions", STEP);
    s.send("\r");
    s.wait_for("Rejected:", STEP);
    // Back to the list, which shows the decision, then quit.
    s.send("\x1b");
    s.wait_for("filter: flagged", STEP);
    s.wait_for("rejected", STEP);
    s.send("q");
    let status = s.wait_exit(STEP);
    assert!(status.success(), "{status:?}");
    // The alternate screen was left.
    let raw = s.output.lock().unwrap().raw.clone();
    let raw = String::from_utf8_lossy(&raw);
    assert!(
        raw.contains("\x1b[?1049l"),
        "the alternate screen was not left"
    );

    let store = crate::support::open_store(&data_dir.join("review-demo/supervisor"));
    let d = store
        .decision(&id)
        .unwrap()
        .expect("the decision was saved");
    assert_eq!(d.decision, DecisionKind::Rejected);
    assert_eq!(
        d.comment.as_deref(),
        Some("too fast: 2 minutes for 57 questions")
    );
    assert_eq!(d.surveyor_id, "S03");
}
