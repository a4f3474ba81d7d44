//! O*NET (the U.S. Department of Labor's occupational database), the tab-separated text
//! release: Occupation Data → roles (O*NET-SOC code), Sample of Reported Titles → role aliases,
//! Related Occupations → related roles, Technology Skills → role ↔ skill (or framework) edges
//! with the Hot Technology and In Demand flags, and, when present, Skills / Knowledge
//! importance (IM) and level (LV) ratings.
use std::{
    collections::HashSet,
    path::{Path, PathBuf},
};

use csv::StringRecord;
use sea_orm::{DatabaseConnection, Value};

use crate::{
    catalog::roles::RelatedTier,
    error::{AppError, AppResult},
    import::{
        batch::{Batch, UpdateMode, Updates, Upsert},
        concepts::{
            Concept, ConceptWriter, RoleFields, SkillFields, ROLE_BY_ONET_SOC,
            SKILL_BY_ONET_ELEMENT, SKILL_BY_ONET_NAME,
        },
        crosswalk::{write_equivalents, KeyMap, Link, Owner, Target},
        read::{clean, field, text, Format, ReleaseDir, SourceFile},
        session::{release_version, Session},
        slug::Slugs,
        techlink::{HotReport, LabelIndex, Node, Resolution},
        ImportOptions, ImportReport, SourceSpec,
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
    "skill_broader",
    "skill_label",
    "role",
    "role_alias",
    "role_equivalent",
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
        let mut release = ReleaseDir::open(dir)?;
        Ok(Files {
            occupations: release.required("Occupation Data.txt")?,
            titles: release.optional("Sample of Reported Titles.txt"),
            related: release.optional("Related Occupations.txt"),
            technology: release.optional("Technology Skills.txt"),
            skills: release.optional("Skills.txt"),
            knowledge: release.optional("Knowledge.txt"),
            notes: release.notes,
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

/// Imports an O*NET release folder in one transaction.
pub async fn import(
    db: &DatabaseConnection,
    dir: &Path,
    opts: &ImportOptions,
) -> AppResult<ImportReport> {
    let files = Files::find(dir)?;
    let version = release_version(opts, dir, version_from_readme(dir), "O*NET", "29.3")?;
    let notes = files.notes.clone();
    let mut cx = Session::begin(db, source_spec(&version), opts, TABLES, notes).await?;

    let mut roles = cx
        .key_map("role", "onet_soc_code", "occupations", Link::Equivalent)
        .await?;
    let mut role_slugs = cx.slugs("role").await?;
    read_occupations(&mut cx, &files.occupations, &mut roles, &mut role_slugs).await?;
    drop(role_slugs);
    write_equivalents(&mut cx, &roles, "onet_soc_code").await?;
    if let Some(p) = &files.titles {
        read_titles(&mut cx, p, &roles).await?;
    }
    if let Some(p) = &files.related {
        read_related(&mut cx, p, &roles).await?;
    }

    let mut skills = cx
        .key_map("skill", "onet_name", "technologies", Link::Merge)
        .await?;
    let mut frameworks = cx
        .key_map("framework", "onet_name", "technologies", Link::Merge)
        .await?;
    let mut slugs = cx.slugs("skill").await?;
    if let Some(p) = &files.technology {
        read_technology(&mut cx, p, &roles, &mut skills, &mut frameworks, &mut slugs).await?;
    }
    let mut elements = cx
        .key_map(
            "skill",
            "onet_element_id",
            "skills and knowledge",
            Link::Merge,
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

    cx.commit(vec![
        roles.section(),
        skills.section(),
        frameworks.section(),
    ])
    .await
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

fn flag(f: &SourceFile, rec: &StringRecord, i: usize, what: &str) -> AppResult<bool> {
    match field(rec, i).trim() {
        "Y" => Ok(true),
        "N" => Ok(false),
        other => Err(f.invalid(rec, format!("{what} must be Y or N, got '{other}'"))),
    }
}

async fn read_occupations(
    cx: &mut Session<'_>,
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
        let title = f.required(&rec, c_title, "Title")?;
        let fields = RoleFields {
            description: text(field(&rec, c_desc)),
            esco_uri: None,
            onet_soc_code: Some(code.clone()),
            isco_code: None,
        };
        let c = Concept::role(code, title, fields, Vec::new(), cx.source_id);
        writer.add(&cx.txn, map, slugs, &mut cx.tracker, c).await?;
    }
    writer.finish(&cx.txn, map, &mut cx.tracker).await
}

async fn read_titles(cx: &mut Session<'_>, path: &Path, roles: &KeyMap) -> AppResult<()> {
    let mut f = SourceFile::open(path, Format::Tsv, cx.opts.progress)?;
    let c_code = f.col("O*NET-SOC Code")?;
    let c_title = f.col("Reported Job Title")?;
    let mut batch = cx.pair_batch(
        "role_alias",
        &["role_id", "alias", "source_id", "created_at"],
    );
    let file = f.name().to_owned();
    let mut rec = StringRecord::new();
    while f.next(&mut rec)? {
        let code = soc_code(&f, &rec, c_code)?;
        let title = f.required(&rec, c_title, "Reported Job Title")?;
        cx.tracker.read("role_alias", 1);
        let Some(targets) = roles.get(&code) else {
            cx.unknown(&file, "unknown O*NET-SOC code", f.line(), &code);
            continue;
        };
        for t in targets {
            if !t
                .name
                .as_deref()
                .is_some_and(|n| n.eq_ignore_ascii_case(&title))
            {
                cx.add_pair(&mut batch, t.id, title.clone()).await?;
            }
        }
    }
    cx.finish_batch(batch).await
}

/// How related occupations are written: the pair, O*NET's tier and index (updated on rows a
/// release of O*NET wrote, so a re-import fills links imported before tiers were kept; never on
/// curated links), the source and the date.
const RELATED: Upsert = Upsert {
    table: "role_related",
    cols: &[
        "role_id",
        "related_id",
        "relatedness_tier",
        "relatedness_index",
        "source_id",
        "created_at",
    ],
    conflict: &["role_id", "related_id"],
    always: &[],
    owned: &["relatedness_tier", "relatedness_index", "source_id"],
    returning: None,
};

/// Related Occupations → related roles, in O*NET's direction, with the Relatedness Tier and
/// Index when the file has those columns (NULL otherwise).
async fn read_related(cx: &mut Session<'_>, path: &Path, roles: &KeyMap) -> AppResult<()> {
    let mut f = SourceFile::open(path, Format::Tsv, cx.opts.progress)?;
    let c_code = f.col("O*NET-SOC Code")?;
    let c_related = f.col("Related O*NET-SOC Code")?;
    let c_tier = f.opt_col("Relatedness Tier");
    let c_index = f.opt_col("Index");
    let mut batch: Batch<(i64, i64)> = Batch::new(RELATED, &cx.family);
    let file = f.name().to_owned();
    let mut rec = StringRecord::new();
    while f.next(&mut rec)? {
        let a = soc_code(&f, &rec, c_code)?;
        let b = soc_code(&f, &rec, c_related)?;
        let tier = match c_tier.map(|i| clean(field(&rec, i))) {
            None => None,
            Some(t) if t.is_empty() => None,
            Some(t) => Some(RelatedTier::parse(&t).ok_or_else(|| {
                f.invalid(
                    &rec,
                    format!(
                        "Relatedness Tier must be Primary-Short, Primary-Long or Supplemental, got '{t}'"
                    ),
                )
            })?),
        };
        let index = match c_index.map(|i| clean(field(&rec, i))) {
            None => None,
            Some(t) if t.is_empty() => None,
            Some(t) => Some(t.parse::<i32>().ok().filter(|n| *n >= 1).ok_or_else(|| {
                f.invalid(
                    &rec,
                    format!("Index must be a whole number from 1, got '{t}'"),
                )
            })?),
        };
        cx.tracker.read("role_related", 1);
        let (Some(ta), Some(tb)) = (roles.get(&a), roles.get(&b)) else {
            let missing = if roles.get(&a).is_none() { a } else { b };
            cx.unknown(&file, "unknown O*NET-SOC code", f.line(), &missing);
            continue;
        };
        for x in ta {
            // Two codes merged into one catalog role are not related to themselves.
            for y in tb.iter().filter(|y| y.id != x.id) {
                let row: Vec<Value> = vec![
                    x.id.into(),
                    y.id.into(),
                    tier.map(|t| t.as_str().to_owned()).into(),
                    index.into(),
                    cx.source_id.into(),
                    cx.now.into(),
                ];
                batch.add(&cx.txn, (x.id, y.id), row).await?;
            }
        }
    }
    cx.finish_batch(batch).await
}

mod ratings;
mod technology;

use ratings::read_ratings;
use technology::read_technology;
