//! O*NET (the U.S. Department of Labor's occupational database), the tab-separated text
//! release: Occupation Data → roles (O*NET-SOC code), Sample of Reported Titles → role aliases,
//! Related Occupations → related roles, Technology Skills → role ↔ skill (or framework) edges
//! with the Hot Technology and In Demand flags, and, when present, Skills / Knowledge
//! importance (IM) and level (LV) ratings.
use std::{
    collections::HashSet,
    path::{Path, PathBuf},
    time::Instant,
};

use chrono::Utc;
use csv::StringRecord;
use sea_orm::{ConnectionTrait, DatabaseConnection, DatabaseTransaction, Value};

use crate::{
    catalog::{graph, seed},
    error::{AppError, AppResult},
    import::{
        batch::{Batch, Family, Upsert},
        concepts::{
            Concept, ConceptWriter, RoleFields, SkillFields, ROLE_BY_ONET_SOC,
            SKILL_BY_ONET_ELEMENT, SKILL_BY_ONET_NAME,
        },
        crosswalk::{KeyMap, Owner},
        ensure_source, prepare_transaction,
        read::{clean, field, find, text, Format, SourceFile},
        report::Tracker,
        slug::Slugs,
        version_from_dir, ImportOptions, ImportReport, SourceSpec,
    },
};

pub fn source_spec(version: &str) -> SourceSpec {
    SourceSpec {
        name: "onet",
        label: "O*NET",
        version: version.to_owned(),
        uri: "https://www.onetcenter.org/database.html",
        attribution: format!(
            "This product includes information from the O*NET {version} Database by the U.S. \
             Department of Labor, Employment and Training Administration (USDOL/ETA), used under \
             the CC BY 4.0 license."
        ),
    }
}

const TABLES: &[&str] = &[
    "skill",
    "skill_alias",
    "role",
    "role_alias",
    "role_related",
    "role_skill",
    "role_framework",
];

/// Rows of Technology Skills or of a ratings file handled together: new skills are written
/// first, then the edges to them.
const CHUNK: usize = 2_000;

struct Files {
    occupations: PathBuf,
    titles: Option<PathBuf>,
    related: Option<PathBuf>,
    technology: Option<PathBuf>,
    skills: Option<PathBuf>,
    knowledge: Option<PathBuf>,
    notes: Vec<String>,
}

impl Files {
    fn find(dir: &Path) -> AppResult<Self> {
        if !dir.is_dir() {
            return Err(AppError::Validation(format!(
                "{} is not a folder",
                dir.display()
            )));
        }
        let mut notes = Vec::new();
        let mut optional = |name: &str| {
            let p = find(dir, &[name]);
            if p.is_none() {
                notes.push(format!("no {name}: skipped"));
            }
            p
        };
        let titles = optional("Sample of Reported Titles.txt");
        let related = optional("Related Occupations.txt");
        let technology = optional("Technology Skills.txt");
        let skills = optional("Skills.txt");
        let knowledge = optional("Knowledge.txt");
        Ok(Files {
            occupations: find(dir, &["Occupation Data.txt"]).ok_or_else(|| {
                AppError::Validation(format!("{} has no Occupation Data.txt", dir.display()))
            })?,
            titles,
            related,
            technology,
            skills,
            knowledge,
            notes,
        })
    }
}

/// "O*NET 29.3 Database" on the first line of Read Me.txt.
fn version_from_readme(dir: &Path) -> Option<String> {
    let text = std::fs::read_to_string(dir.join("Read Me.txt")).ok()?;
    let first = text.lines().next()?;
    first
        .split_whitespace()
        .find(|w| w.contains('.') && w.chars().all(|c| c.is_ascii_digit() || c == '.'))
        .map(str::to_owned)
}

struct Ctx<'a> {
    txn: &'a DatabaseTransaction,
    opts: &'a ImportOptions,
    source_id: i64,
    family: Family,
    tracker: Tracker,
}

/// Imports an O*NET release folder in one transaction.
pub async fn import(
    db: &DatabaseConnection,
    dir: &Path,
    opts: &ImportOptions,
) -> AppResult<ImportReport> {
    let files = Files::find(dir)?;
    let version = opts
        .release
        .clone()
        .or_else(|| version_from_readme(dir))
        .or_else(|| version_from_dir(dir))
        .ok_or_else(|| {
            AppError::Validation(format!(
                "cannot tell the O*NET release of {}: pass --release (e.g. --release 29.3)",
                dir.display()
            ))
        })?;
    let spec = source_spec(&version);
    let catalog = seed::embedded()?;
    let started = Instant::now();
    let txn = crate::db::begin_write(db).await?;
    prepare_transaction(&txn).await?;
    let (source_id, family_ids) = ensure_source(&txn, &spec).await?;
    let mut cx = Ctx {
        txn: &txn,
        opts,
        source_id,
        family: Family::new(&family_ids, txn.get_database_backend()),
        tracker: Tracker::start(&txn, TABLES).await?,
    };

    let mut roles = KeyMap::load(
        &txn,
        "catalog roles ↔ O*NET occupations (onet_soc_code)",
        "role",
        "onet_soc_code",
        &family_ids,
        true,
    )
    .await?;
    let mut role_slugs =
        Slugs::load(&txn, "role", catalog.roles.iter().map(|r| r.slug.as_str())).await?;
    read_occupations(&mut cx, &files.occupations, &mut roles, &mut role_slugs).await?;
    drop(role_slugs);
    if let Some(p) = &files.titles {
        read_titles(&mut cx, p, &roles).await?;
    }
    if let Some(p) = &files.related {
        read_related(&mut cx, p, &roles).await?;
    }

    let mut skills = KeyMap::load(
        &txn,
        "catalog skills ↔ O*NET technologies (onet_name)",
        "skill",
        "onet_name",
        &family_ids,
        true,
    )
    .await?;
    let mut frameworks = KeyMap::load(
        &txn,
        "catalog frameworks ↔ O*NET technologies (onet_name)",
        "framework",
        "onet_name",
        &family_ids,
        false,
    )
    .await?;
    let mut slugs = Slugs::load(
        &txn,
        "skill",
        catalog.skills.iter().map(|s| s.slug.as_str()),
    )
    .await?;
    if let Some(p) = &files.technology {
        read_technology(&mut cx, p, &roles, &mut skills, &mut frameworks, &mut slugs).await?;
    }
    let mut elements = KeyMap::load(
        &txn,
        "catalog skills ↔ O*NET skills and knowledge (onet_element_id)",
        "skill",
        "onet_element_id",
        &family_ids,
        true,
    )
    .await?;
    for (path, kind) in [
        (&files.skills, "competence"),
        (&files.knowledge, "knowledge"),
    ] {
        if let Some(p) = path {
            read_ratings(&mut cx, p, kind, &roles, &skills, &mut elements, &mut slugs).await?;
        }
    }

    // Nothing here adds broader or prerequisite links, but the rule holds for every import.
    graph::check_whole(&txn, &graph::BROADER).await?;
    graph::check_whole(&txn, &graph::PREREQUISITES).await?;

    let Ctx { tracker, .. } = cx;
    let (tables, issues) = tracker.finish(&txn).await?;
    super::bump_graph_version(&txn).await?;
    txn.commit().await?;
    Ok(ImportReport {
        source: format!("{} {}", spec.label, spec.version),
        notes: files.notes,
        tables,
        crosswalk: vec![roles.section(), skills.section(), frameworks.section()],
        issues,
        elapsed: started.elapsed(),
    })
}

/// An O*NET-SOC code: `15-1252.00`.
fn soc_code(f: &SourceFile, rec: &StringRecord, i: usize) -> AppResult<String> {
    let v = clean(field(rec, i));
    let b = v.as_bytes();
    let ok = b.len() == 10
        && b.iter().enumerate().all(|(i, c)| match i {
            2 => *c == b'-',
            7 => *c == b'.',
            _ => c.is_ascii_digit(),
        });
    if !ok {
        return Err(f.invalid(rec, format!("'{v}' is not an O*NET-SOC code")));
    }
    Ok(v)
}

fn required(f: &SourceFile, rec: &StringRecord, i: usize, what: &str) -> AppResult<String> {
    let v = clean(field(rec, i));
    if v.is_empty() {
        return Err(f.invalid(rec, format!("empty {what}")));
    }
    Ok(v)
}

fn flag(f: &SourceFile, rec: &StringRecord, i: usize, what: &str) -> AppResult<bool> {
    match field(rec, i).trim() {
        "Y" => Ok(true),
        "N" => Ok(false),
        other => Err(f.invalid(rec, format!("{what} must be Y or N, got '{other}'"))),
    }
}

async fn read_occupations(
    cx: &mut Ctx<'_>,
    path: &Path,
    map: &mut KeyMap,
    slugs: &mut Slugs,
) -> AppResult<()> {
    let mut writer = ConceptWriter::new(&ROLE_BY_ONET_SOC, cx.source_id, &cx.family);
    let mut f = SourceFile::open(path, Format::Tsv, cx.opts.progress)?;
    let c_code = f.col("O*NET-SOC Code")?;
    let c_title = f.col("Title")?;
    let c_desc = f.col("Description")?;
    let mut rec = StringRecord::new();
    while f.next(&mut rec)? {
        let code = soc_code(&f, &rec, c_code)?;
        let title = required(&f, &rec, c_title, "Title")?;
        let fields = RoleFields {
            description: text(field(&rec, c_desc)),
            esco_uri: None,
            onet_soc_code: Some(code.clone()),
            isco_code: None,
        };
        let c = Concept::role(code, title, fields, Vec::new(), cx.source_id);
        writer.add(cx.txn, map, slugs, &mut cx.tracker, c).await?;
    }
    writer.finish(cx.txn, map, &mut cx.tracker).await
}

async fn read_titles(cx: &mut Ctx<'_>, path: &Path, roles: &KeyMap) -> AppResult<()> {
    let mut f = SourceFile::open(path, Format::Tsv, cx.opts.progress)?;
    let c_code = f.col("O*NET-SOC Code")?;
    let c_title = f.col("Reported Job Title")?;
    let mut batch: Batch<(i64, String)> = Batch::new(
        Upsert {
            table: "role_alias",
            cols: &["role_id", "alias", "source_id", "created_at"],
            conflict: &["role_id", "alias"],
            always: &[],
            owned: &["source_id"],
            returning: None,
        },
        &cx.family,
    );
    let now = Utc::now();
    let file = f.name().to_owned();
    let mut rec = StringRecord::new();
    while f.next(&mut rec)? {
        let code = soc_code(&f, &rec, c_code)?;
        let title = required(&f, &rec, c_title, "Reported Job Title")?;
        cx.tracker.read("role_alias", 1);
        let line = f.line();
        let Some(targets) = roles.get(&code) else {
            cx.tracker
                .issue(format!("{file}: unknown O*NET-SOC code"), || {
                    format!("line {line}: {code}")
                });
            continue;
        };
        for t in targets {
            if t.name
                .as_deref()
                .is_some_and(|n| n.eq_ignore_ascii_case(&title))
            {
                continue;
            }
            let row = vec![
                t.id.into(),
                title.clone().into(),
                cx.source_id.into(),
                now.into(),
            ];
            batch.add(cx.txn, (t.id, title.clone()), row).await?;
        }
    }
    batch.flush(cx.txn).await?;
    cx.tracker
        .wrote("role_alias", batch.attempted, batch.affected);
    Ok(())
}

async fn read_related(cx: &mut Ctx<'_>, path: &Path, roles: &KeyMap) -> AppResult<()> {
    let mut f = SourceFile::open(path, Format::Tsv, cx.opts.progress)?;
    let c_code = f.col("O*NET-SOC Code")?;
    let c_related = f.col("Related O*NET-SOC Code")?;
    let mut batch: Batch<(i64, i64)> = Batch::new(
        Upsert {
            table: "role_related",
            cols: &["role_id", "related_id", "source_id", "created_at"],
            conflict: &["role_id", "related_id"],
            always: &[],
            owned: &["source_id"],
            returning: None,
        },
        &cx.family,
    );
    let now = Utc::now();
    let file = f.name().to_owned();
    let mut rec = StringRecord::new();
    while f.next(&mut rec)? {
        let a = soc_code(&f, &rec, c_code)?;
        let b = soc_code(&f, &rec, c_related)?;
        cx.tracker.read("role_related", 1);
        let line = f.line();
        let (Some(ta), Some(tb)) = (roles.get(&a), roles.get(&b)) else {
            let missing = if roles.get(&a).is_none() { a } else { b };
            cx.tracker
                .issue(format!("{file}: unknown O*NET-SOC code"), || {
                    format!("line {line}: {missing}")
                });
            continue;
        };
        for x in ta {
            for y in tb {
                if x.id == y.id {
                    // Two codes merged into one catalog role.
                    continue;
                }
                let row = vec![x.id.into(), y.id.into(), cx.source_id.into(), now.into()];
                batch.add(cx.txn, (x.id, y.id), row).await?;
            }
        }
    }
    batch.flush(cx.txn).await?;
    cx.tracker
        .wrote("role_related", batch.attempted, batch.affected);
    Ok(())
}

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
async fn read_technology(
    cx: &mut Ctx<'_>,
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
    let now = Utc::now();
    let mut chunk: Vec<TechRow> = Vec::with_capacity(CHUNK);
    let mut rec = StringRecord::new();
    loop {
        let more = f.next(&mut rec)?;
        if more {
            let code = soc_code(&f, &rec, c_code)?;
            let name = required(&f, &rec, c_example, "Example")?;
            let hot = flag(&f, &rec, c_hot, "Hot Technology")?;
            let in_demand = match c_demand {
                Some(i) => Some(flag(&f, &rec, i, "In Demand")?),
                None => None,
            };
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
                    .add(cx.txn, skills, slugs, &mut cx.tracker, c)
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
            writer.flush(cx.txn, skills, &mut cx.tracker).await?;
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
                        batch.add(cx.txn, (r.id, t.id), values).await?;
                    }
                }
            }
        }
        if !more {
            break;
        }
    }
    writer.finish(cx.txn, skills, &mut cx.tracker).await?;
    to_skills.flush(cx.txn).await?;
    to_frameworks.flush(cx.txn).await?;
    cx.tracker
        .wrote("role_skill", to_skills.attempted, to_skills.affected);
    cx.tracker.wrote(
        "role_framework",
        to_frameworks.attempted,
        to_frameworks.affected,
    );
    Ok(())
}

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
async fn read_ratings(
    cx: &mut Ctx<'_>,
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
    let now = Utc::now();
    let mut chunk: Vec<Rating> = Vec::with_capacity(CHUNK);
    let mut rec = StringRecord::new();
    loop {
        let more = f.next(&mut rec)?;
        if more {
            let code = soc_code(&f, &rec, c_code)?;
            let element = required(&f, &rec, c_id, "Element ID")?;
            let name = required(&f, &rec, c_name, "Element Name")?;
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
                    .add(cx.txn, elements, slugs, &mut cx.tracker, c)
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
            writer.flush(cx.txn, elements, &mut cx.tracker).await?;
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
                                im.add(cx.txn, (role.id, skill), row).await?;
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
                                lv.add(cx.txn, (role.id, skill), row).await?;
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
    writer.finish(cx.txn, elements, &mut cx.tracker).await?;
    im.flush(cx.txn).await?;
    lv.flush(cx.txn).await?;
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
