//! Technology Skills: example technologies → frameworks or skills, role edges with the Hot
//! Technology and In Demand flags.
use super::*;

struct TechRow {
    line: u64,
    code: String,
    name: String,
    hot: bool,
    in_demand: Option<bool>,
}

fn tech_edge_spec(table: &'static str) -> Upsert {
    Upsert {
        table,
        cols: if table == "role_framework" {
            &[
                "role_id",
                "framework_id",
                "importance",
                "hot_technology",
                "in_demand",
                "source_id",
                "created_at",
                "updated_at",
            ]
        } else {
            &[
                "role_id",
                "skill_id",
                "importance",
                "hot_technology",
                "in_demand",
                "source_id",
                "created_at",
                "updated_at",
            ]
        },
        conflict: if table == "role_framework" {
            &["role_id", "framework_id"]
        } else {
            &["role_id", "skill_id"]
        },
        // The flags are O*NET's alone: set them wherever the edge is, curated ones included.
        always: &["hot_technology", "in_demand"],
        owned: &["importance", "source_id"],
        returning: None,
    }
}

/// Technology Skills: each example technology is a framework of the catalog (matched by
/// onet_name), else a skill matched by onet_name, else a new skill of kind "tool".
pub(super) async fn read_technology(
    cx: &mut Session<'_>,
    path: &Path,
    roles: &KeyMap,
    skills: &mut KeyMap,
    frameworks: &mut KeyMap,
    slugs: &mut Slugs,
) -> AppResult<()> {
    let mut f = SourceFile::open(path, Format::Tsv, cx.opts.progress)?;
    let c_code = f.col("O*NET-SOC Code")?;
    let c_example = f.col("Example")?;
    let c_commodity = f.col("Commodity Title")?;
    let c_hot = f.col("Hot Technology")?;
    let c_demand = f.opt_col("In Demand");
    let file = f.name().to_owned();
    let mut writer = ConceptWriter::new(&SKILL_BY_ONET_NAME, cx.source_id, &cx.family);
    let mut to_skills: Batch<(i64, i64)> = Batch::new(tech_edge_spec("role_skill"), &cx.family);
    let mut to_frameworks: Batch<(i64, i64)> =
        Batch::new(tech_edge_spec("role_framework"), &cx.family);
    // Technologies already written in this run: each is described once, by its first row.
    let mut seen: HashSet<String> = HashSet::new();
    let index = LabelIndex::load(&cx.txn).await?;
    let mut hot_seen: HashSet<String> = HashSet::new();
    let mut hot_report = HotReport::default();
    let hot_report_ref = &mut hot_report;
    // Skills the crosswalk found the same as a technology get its O*NET name when they have none.
    let mut onet_names = Updates::new("skill", &["onet_name"], UpdateMode::Fill, &cx.family);
    // Technologies placed under an ESCO skill (alternative-label matches).
    let mut narrower: Vec<(String, i64)> = Vec::new();
    let now = cx.now;
    let mut chunk: Vec<TechRow> = Vec::with_capacity(CHUNK);
    let mut rec = StringRecord::new();
    loop {
        let more = f.next(&mut rec)?;
        if more {
            let code = soc_code(&f, &rec, c_code)?;
            let name = f.required(&rec, c_example, "Example")?;
            let hot = flag(&f, &rec, c_hot, "Hot Technology")?;
            let in_demand = match c_demand {
                Some(i) => Some(flag(&f, &rec, i, "In Demand")?),
                None => None,
            };
            if hot && hot_seen.insert(name.clone()) {
                let r = index.resolve(&name);
                hot_report_ref.add(&name, index.describe(&name, &r));
            }
            if frameworks.get(&name).is_none()
                && skills.get(&name).is_none()
                && !seen.contains(&name)
            {
                // Not keyed yet: the normalised crosswalk decides.
                match index.resolve(&name) {
                    Resolution::Same {
                        node: Node::Framework(id),
                        ..
                    } => frameworks.link(
                        name.clone(),
                        Target {
                            id,
                            owner: Owner::Curated,
                            name: index.name(Node::Framework(id)).map(str::to_owned),
                        },
                    ),
                    Resolution::Same {
                        node: node @ Node::Skill(id),
                        ..
                    } => {
                        skills.link(
                            name.clone(),
                            Target {
                                id,
                                owner: if index.is_curated(node) {
                                    Owner::Curated
                                } else {
                                    Owner::Other
                                },
                                name: index.name(node).map(str::to_owned),
                            },
                        );
                        onet_names
                            .add(&cx.txn, id, vec![name.clone().into()])
                            .await?;
                    }
                    Resolution::Narrower { skill, .. } => narrower.push((name.clone(), skill)),
                    _ => {}
                }
            }
            if frameworks.get(&name).is_some() {
                frameworks.met(&name, &name);
            } else if seen.insert(name.clone()) {
                let fields = SkillFields {
                    kind: "tool",
                    description: text(field(&rec, c_commodity)),
                    esco_uri: None,
                    onet_name: Some(name.clone()),
                    onet_element_id: None,
                    reuse_level: None,
                };
                let c =
                    Concept::skill(name.clone(), name.clone(), fields, Vec::new(), cx.source_id);
                writer
                    .add(&cx.txn, skills, slugs, &mut cx.tracker, c)
                    .await?;
            }
            chunk.push(TechRow {
                line: f.line(),
                code,
                name,
                hot,
                in_demand,
            });
        }
        if chunk.len() >= CHUNK || (!more && !chunk.is_empty()) {
            // Every technology of the chunk has an id once the writer is flushed.
            writer.flush(&cx.txn, skills, &mut cx.tracker).await?;
            for row in chunk.drain(..) {
                let (table, targets) = match frameworks.get(&row.name) {
                    Some(fw) => ("role_framework", fw),
                    None => match skills.get(&row.name) {
                        Some(s) => ("role_skill", s),
                        None => {
                            return Err(AppError::Internal(format!(
                                "technology {} has no id after its insert",
                                row.name
                            )))
                        }
                    },
                };
                cx.tracker.read(table, 1);
                let Some(rs) = roles.get(&row.code) else {
                    let (line, code) = (row.line, row.code.clone());
                    cx.tracker
                        .issue(format!("{file}: unknown O*NET-SOC code"), || {
                            format!("line {line}: {code}")
                        });
                    continue;
                };
                for r in rs {
                    for t in targets {
                        let values: Vec<Value> = vec![
                            r.id.into(),
                            t.id.into(),
                            "optional".into(),
                            row.hot.into(),
                            Value::Bool(row.in_demand),
                            cx.source_id.into(),
                            now.into(),
                            now.into(),
                        ];
                        let batch = if table == "role_framework" {
                            &mut to_frameworks
                        } else {
                            &mut to_skills
                        };
                        batch.add(&cx.txn, (r.id, t.id), values).await?;
                    }
                }
            }
        }
        if !more {
            break;
        }
    }
    writer.finish(&cx.txn, skills, &mut cx.tracker).await?;
    onet_names.flush(&cx.txn).await?;
    let mut broader = cx.pair_batch(
        "skill_broader",
        &["skill_id", "broader_id", "source_id", "created_at"],
    );
    cx.tracker.read("skill_broader", narrower.len() as u64);
    for (name, esco) in narrower {
        for t in skills.get(&name).unwrap_or_default() {
            if t.owner == Owner::Family && t.id != esco {
                cx.add_pair(&mut broader, t.id, esco).await?;
            }
        }
    }
    cx.finish_batch(broader).await?;
    cx.hot_technologies = Some((hot_report.linked(), hot_report.total()));
    cx.extra.push(hot_report.render());
    cx.finish_batch(to_skills).await?;
    cx.finish_batch(to_frameworks).await
}
