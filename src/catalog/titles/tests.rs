use super::*;

fn index() -> TitleIndex {
    let roles = vec![
        (1, "Back-End Developer".to_owned(), true),
        (2, "Software Engineer".to_owned(), true),
        (3, "Software Architect".to_owned(), true),
        (9, "software developer".to_owned(), false),
    ];
    let aliases = vec![
        (1, "backend engineer".to_owned()),
        (1, "python developer".to_owned()),
        (1, "backend software engineer".to_owned()),
        (3, "principal engineer".to_owned()),
        (9, "application developer".to_owned()),
    ];
    TitleIndex::build(1, roles, aliases, vec![(2, 9)])
}

#[test]
fn the_issue_example_reads_as_a_backend_role() {
    let n = index().normalize("Sr. Python Backend Engineer (m/f/d) – Remote", 3);
    assert_eq!(n.matches[0].role_id, 1);
    assert_eq!(n.matches[0].label, "backend engineer");
    assert_eq!(n.seniority, ["Sr."]);
    assert_eq!(n.location, ["Remote"]);
    assert_eq!(n.other, ["m/f/d"]);
}

#[test]
fn a_label_with_a_seniority_word_keeps_it() {
    let n = index().normalize("Principal Engineer", 3);
    assert_eq!(n.matches[0].role_id, 3);
    assert!(n.seniority.is_empty());
}

#[test]
fn every_word_in_any_order_beats_a_shorter_phrase() {
    let n = index().normalize("Senior Software Engineer, Backend", 3);
    assert_eq!(n.matches[0].role_id, 1, "{n:?}");
    assert_eq!(n.matches[1].role_id, 2);
}

#[test]
fn an_equivalent_occupation_lends_its_labels() {
    let n = index().normalize("Application Developer", 3);
    assert_eq!(n.matches[0].role_id, 2);
    // The occupation itself ranks after the role it is lent to.
    assert_eq!(n.matches[1].role_id, 9);
}

#[test]
fn nothing_matches_nothing() {
    assert!(index().normalize("Nurse (m/f/d)", 3).matches.is_empty());
    assert_eq!(index().role_of("Nurse"), None);
    assert_eq!(index().role_of("Backend Engineer"), Some(1));
}
