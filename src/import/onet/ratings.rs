//! Skills.txt / Knowledge.txt: importance and level ratings of content-model elements.
use super::*;

struct Rating {
    line: u64,
    code: String,
    element: String,
    scale: Scale,
    value: f64,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Scale {
    Importance,
    Level,
}

/// Importance 1–5: 3 ("important") and up is essential.
fn importance_of(im: f64) -> &'static str {
    if im >= 3.0 {
        "essential"
    } else {
        "optional"
    }
}

/// Level 0–7 onto the graph's 1–5.
fn level_of(lv: f64) -> i32 {
    (1.0 + (lv * 4.0 / 7.0).round()).clamp(1.0, 5.0) as i32
}

/// Skills.txt / Knowledge.txt: ratings of content-model elements per occupation. An element is
/// a curated skill whose onet_name is the element's name, else a skill keyed by element id
/// (kind "competence" for skills, "knowledge" for knowledge).
pub(super) async fn read_ratings(
    cx: &mut Session<'_>,
    path: &Path,
    kind: &'static str,
    roles: &KeyMap,
    by_name: &KeyMap,
    elements: &mut KeyMap,
    slugs: &mut Slugs,
) -> AppResult<()> {
    let mut f = SourceFile::open(path, Format::Tsv, cx.opts.progress)?;
    let c_code = f.col("O*NET-SOC Code")?;
    let c_id = f.col("Element ID")?;
    let c_name = f.col("Element Name")?;
    let c_scale = f.col("Scale ID")?;
    let c_value = f.col("Data Value")?;
    let file = f.name().to_owned();
    let mut writer = ConceptWriter::new(&SKILL_BY_ONET_ELEMENT, cx.source_id, &cx.family);
    let mut im: Batch<(i64, i64)> = Batch::new(
        Upsert {
            table: "role_skill",
            cols: &[
                "role_id",
                "skill_id",
                "importance",
                "onet_importance",
                "source_id",
                "created_at",
                "updated_at",
            ],
            conflict: &["role_id", "skill_id"],
            always: &["onet_importance"],
            owned: &["importance", "source_id"],
            returning: None,
        },
        &cx.family,
    );
    let mut lv: Batch<(i64, i64)> = Batch::new(
        Upsert {
            table: "role_skill",
            cols: &[
                "role_id",
                "skill_id",
                "importance",
                "level",
                "onet_level",
                "source_id",
                "created_at",
                "updated_at",
            ],
            conflict: &["role_id", "skill_id"],
            always: &["onet_level"],
            owned: &["level", "source_id"],
            returning: None,
        },
        &cx.family,
    );
    let mut seen: HashSet<String> = HashSet::new();
    let now = cx.now;
    let mut chunk: Vec<Rating> = Vec::with_capacity(CHUNK);
    let mut rec = StringRecord::new();
    loop {
        let more = f.next(&mut rec)?;
        if more {
            let code = soc_code(&f, &rec, c_code)?;
            let element = f.required(&rec, c_id, "Element ID")?;
            let name = f.required(&rec, c_name, "Element Name")?;
            let scale = match field(&rec, c_scale).trim() {
                "IM" => Some(Scale::Importance),
                "LV" => Some(Scale::Level),
                _ => None,
            };
            let raw = field(&rec, c_value).trim();
            let value: f64 = raw
                .parse()
                .map_err(|_| f.invalid(&rec, format!("Data Value '{raw}' is not a number")))?;
            let Some(scale) = scale else {
                continue;
            };
            let curated = by_name
                .get(&name)
                .is_some_and(|ts| ts.iter().any(|t| t.owner == Owner::Curated));
            if !curated && seen.insert(element.clone()) {
                let fields = SkillFields {
                    kind,
                    description: None,
                    esco_uri: None,
                    onet_name: None,
                    onet_element_id: Some(element.clone()),
                    reuse_level: None,
                };
                let c = Concept::skill(
                    element.clone(),
                    name.clone(),
                    fields,
                    Vec::new(),
                    cx.source_id,
                );
                writer
                    .add(&cx.txn, elements, slugs, &mut cx.tracker, c)
                    .await?;
            }
            chunk.push(Rating {
                line: f.line(),
                code,
                element: if curated { name } else { element },
                scale,
                value,
            });
        }
        if chunk.len() >= CHUNK || (!more && !chunk.is_empty()) {
            writer.flush(&cx.txn, elements, &mut cx.tracker).await?;
            for r in chunk.drain(..) {
                let targets: Vec<i64> = match by_name.get(&r.element) {
                    Some(ts) => ts
                        .iter()
                        .filter(|t| t.owner == Owner::Curated)
                        .map(|t| t.id)
                        .collect(),
                    None => Vec::new(),
                };
                let targets = if targets.is_empty() {
                    elements
                        .get(&r.element)
                        .map(|ts| ts.iter().map(|t| t.id).collect())
                        .unwrap_or_default()
                } else {
                    targets
                };
                cx.tracker.read("role_skill", 1);
                let Some(rs) = roles.get(&r.code) else {
                    let (line, code) = (r.line, r.code.clone());
                    cx.tracker
                        .issue(format!("{file}: unknown O*NET-SOC code"), || {
                            format!("line {line}: {code}")
                        });
                    continue;
                };
                for role in rs {
                    for &skill in &targets {
                        match r.scale {
                            Scale::Importance => {
                                let row: Vec<Value> = vec![
                                    role.id.into(),
                                    skill.into(),
                                    importance_of(r.value).into(),
                                    r.value.into(),
                                    cx.source_id.into(),
                                    now.into(),
                                    now.into(),
                                ];
                                im.add(&cx.txn, (role.id, skill), row).await?;
                            }
                            Scale::Level => {
                                let row: Vec<Value> = vec![
                                    role.id.into(),
                                    skill.into(),
                                    "optional".into(),
                                    level_of(r.value).into(),
                                    r.value.into(),
                                    cx.source_id.into(),
                                    now.into(),
                                    now.into(),
                                ];
                                lv.add(&cx.txn, (role.id, skill), row).await?;
                            }
                        }
                    }
                }
            }
        }
        if !more {
            break;
        }
    }
    writer.finish(&cx.txn, elements, &mut cx.tracker).await?;
    im.flush(&cx.txn).await?;
    lv.flush(&cx.txn).await?;
    cx.tracker.wrote(
        "role_skill",
        im.attempted + lv.attempted,
        im.affected + lv.affected,
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratings_map_onto_the_graph() {
        assert_eq!(importance_of(3.0), "essential");
        assert_eq!(importance_of(2.88), "optional");
        assert_eq!(level_of(0.0), 1);
        assert_eq!(level_of(3.5), 3);
        assert_eq!(level_of(7.0), 5);
    }
}
