use super::*;

fn ex() -> Extractor {
    let s = |id: i64, t: &str| (Kind::Skill, id, t.to_owned());
    let f = |id: i64, t: &str| (Kind::Framework, id, t.to_owned());
    Extractor::build(
        1,
        vec![
            s(1, "C++"),
            s(2, "C#"),
            s(3, ".NET"),
            f(4, "Node.js"),
            f(4, "node"),
            s(5, "Go"),
            s(5, "golang"),
            s(6, "R"),
            f(7, "Spring Framework"),
            f(8, "Spring Boot"),
            f(9, "Ruby on Rails"),
            f(9, "ror"),
            s(10, "C"),
            s(11, "Java"),
            s(12, "JavaScript"),
            f(13, "ASP.NET"),
            s(14, "PostgreSQL"),
        ],
        Some(7),
    )
    .expect("build")
}

fn found(text: &str) -> Vec<(String, i64)> {
    ex().extract(text)
        .into_iter()
        .map(|m| (m.text, m.id))
        .collect()
}

fn ids(text: &str) -> Vec<i64> {
    found(text).into_iter().map(|(_, id)| id).collect()
}

#[test]
fn symbols_and_boundaries() {
    assert_eq!(ids("We use C++, C# and .NET daily."), vec![1, 2, 3]);
    assert_eq!(ids("Plain C or C++?"), vec![10, 1]);
    assert_eq!(ids("ASP.NET apps"), vec![13]);
    assert_eq!(ids("node.js and Node and nodes"), vec![4, 4]);
    assert_eq!(ids("JavaScript, not Java? Java!"), vec![12, 11, 11]);
    assert_eq!(ids("postgresql"), vec![14]);
}

#[test]
fn go_only_as_the_language() {
    assert_eq!(ids("Experience with Go and Python"), vec![5]);
    assert_eq!(ids("Golang microservices"), vec![5]);
    assert_eq!(ids("Go developer wanted"), vec![5]);
    assert!(ids("We go fast. Ready to go?").is_empty());
    assert!(ids("Go to our website. Go ahead.").is_empty());
    assert!(ids("Always on the go").is_empty());
}

#[test]
fn r_spring_and_ror() {
    assert_eq!(ids("Statistics in R or Python"), vec![6]);
    assert!(ids("our R&D team, r is not R'").is_empty());
    assert!(ids("Starting in spring 2026").is_empty());
    assert!(ids("Spring is lovely here").is_empty());
    assert_eq!(ids("Java 17 with Spring"), vec![11, 7]);
    assert_eq!(ids("Spring Boot and Spring Framework"), vec![8, 7]);
    assert_eq!(ids("Spring MVC"), vec![7]);
    assert_eq!(ids("ROR or RoR or Ruby on Rails"), vec![9, 9, 9]);
    assert!(ids("ror, error").is_empty());
}

#[test]
fn spans_are_in_characters() {
    let m = ex().extract("Ünïcödé — C++ and Go");
    assert_eq!(m.len(), 2);
    assert_eq!((m[0].start, m[0].end, m[0].text.as_str()), (10, 13, "C++"));
    assert_eq!((m[1].start, m[1].end, m[1].text.as_str()), (18, 20, "Go"));
}

fn ex2() -> Extractor {
    let s = |id: i64, t: &str| (Kind::Skill, id, t.to_owned());
    let f = |id: i64, t: &str| (Kind::Framework, id, t.to_owned());
    Extractor::build(
        1,
        vec![
            s(1, "Docker"),
            s(2, "Docker Compose"),
            s(3, "Load Balancing"),
            s(3, "lb"),
            s(4, "Machine Learning"),
            s(4, "ml"),
            s(5, "Rust"),
            s(6, "Swift"),
            f(7, "Express"),
            f(8, "Phoenix"),
            s(9, "Elixir"),
            s(10, "skills"),
            s(11, "Knowledge"),
            s(12, "PostgreSQL"),
            s(12, "pg"),
            s(13, "Software Testing"),
            s(13, "testing"),
            s(14, ".NET"),
            s(15, "SQL"),
        ],
        None,
    )
    .expect("build")
}

fn ids2(text: &str) -> Vec<i64> {
    ex2().extract(text).into_iter().map(|m| m.id).collect()
}

#[test]
fn a_refused_longer_label_falls_back_to_a_shorter_one() {
    assert_eq!(ids2("Docker Composer files"), vec![1]);
    assert_eq!(ids2("Docker Compose files"), vec![2]);
}

#[test]
fn short_labels_need_capitals_and_no_numbers() {
    assert!(ids2("lift 50 lb boxes, give 5 ml doses, see pg 3").is_empty());
    assert!(ids2("5 ML of saline").is_empty());
    assert_eq!(ids2("ML and LB work"), vec![4, 3]);
    assert_eq!(ids2("Skills: docker, sql, pg"), vec![1, 15, 12]);
    assert_eq!(ids2("We run .NET 8 and SQL"), vec![14, 15]);
}

#[test]
fn ordinary_words_need_case_and_context() {
    assert!(ids2("Please express your interest. We remove rust.").is_empty());
    assert!(ids2("Swift delivery is our promise.").is_empty());
    assert!(ids2("Our Phoenix office, and Phoenix, AZ.").is_empty());
    assert_eq!(ids2("Services in Rust and Docker"), vec![5, 1]);
    assert_eq!(ids2("An Elixir developer for our Phoenix app"), vec![9, 8]);
    assert_eq!(ids2("APIs with Express on Node"), vec![7]);
    assert!(ids2("Manual testing of the lawn mowers.").is_empty());
    assert_eq!(ids2("Automated testing with Docker"), vec![13, 1]);
    assert!(ids2("Skills and knowledge required").is_empty());
}

#[test]
fn looks_up_exact_labels() {
    assert_eq!(ex().lookup("GOLANG"), vec![(Kind::Skill, 5)]);
    assert!(ex().lookup("golang dev").is_empty());
}
