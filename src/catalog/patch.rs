//! What curator writes share: the fields every catalog entity has (slug, name, description,
//! ESCO link), the release facts of languages, tools and frameworks, their validation, and the
//! save that touches `updated_at` only when something changed. Written once for skills,
//! frameworks and roles.
use std::str::FromStr;

use sea_orm::{
    ActiveModelBehavior, ActiveModelTrait, ConnectionTrait, EntityTrait, IntoActiveModel, Value,
};

use crate::{
    catalog::{clean_opt, clean_text, validate_slug},
    error::{AppError, AppResult},
};

/// Fields every catalog entity has; `None` leaves a field as it is, `Some(None)` clears an
/// optional one.
#[derive(Clone, Debug, Default)]
pub struct CommonPatch {
    pub slug: Option<String>,
    pub name: Option<String>,
    pub description: Option<Option<String>>,
    pub esco_uri: Option<Option<String>>,
}

/// First-release year, licence and homepage (languages, tools and frameworks).
#[derive(Clone, Debug, Default)]
pub struct ReleasePatch {
    pub first_release_year: Option<Option<i32>>,
    pub license: Option<Option<String>>,
    pub homepage: Option<Option<String>>,
}

/// Release facts as given on creation, validated.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReleaseFacts {
    pub first_release_year: Option<i32>,
    pub license: Option<String>,
    pub homepage: Option<String>,
}

impl ReleaseFacts {
    pub fn clean(
        year: Option<i32>,
        license: Option<&str>,
        homepage: Option<&str>,
    ) -> AppResult<ReleaseFacts> {
        validate_year(year)?;
        Ok(ReleaseFacts {
            first_release_year: year,
            license: clean_opt("license", license, 100)?,
            homepage: clean_homepage(homepage)?,
        })
    }
}

pub fn validate_year(y: Option<i32>) -> AppResult<()> {
    let max = chrono::Datelike::year(&chrono::Utc::now()) + 1;
    match y {
        Some(y) if !(1950..=max).contains(&y) => Err(AppError::Validation(format!(
            "firstReleaseYear must be between 1950 and {max}, got {y}"
        ))
        .at("firstReleaseYear")),
        _ => Ok(()),
    }
}

pub fn clean_homepage(h: Option<&str>) -> AppResult<Option<String>> {
    let h = clean_opt("homepage", h, 500)?;
    if let Some(url) = &h {
        if !(url.starts_with("https://") || url.starts_with("http://")) {
            return Err(AppError::Validation(format!(
                "homepage must be an http(s) URL, got '{url}'"
            ))
            .at("homepage"));
        }
    }
    Ok(h)
}

/// Writes validated values into an active model by column name.
pub struct Editor<'a, A> {
    am: &'a mut A,
}

impl<'a, A> Editor<'a, A>
where
    A: ActiveModelTrait,
    <A::Entity as EntityTrait>::Column: FromStr,
{
    pub fn new(am: &'a mut A) -> Self {
        Editor { am }
    }

    fn set(&mut self, column: &str, v: Value) -> AppResult<()> {
        let c = <A::Entity as EntityTrait>::Column::from_str(column)
            .map_err(|_| AppError::Internal(format!("no column {column}")))?;
        self.am
            .try_set(c, v)
            .map_err(|e| AppError::Internal(format!("column {column}: {e}")))
    }

    /// An optional text, blank clearing it.
    pub fn opt_text(
        &mut self,
        column: &str,
        field: &str,
        max: usize,
        v: Option<Option<String>>,
    ) -> AppResult<&mut Self> {
        if let Some(v) = v {
            let v = clean_opt(field, v.as_deref(), max)?;
            self.set(column, v.into())?;
        }
        Ok(self)
    }

    pub fn common(&mut self, p: CommonPatch) -> AppResult<&mut Self> {
        if let Some(slug) = p.slug {
            validate_slug(&slug)?;
            self.set("slug", slug.into())?;
        }
        if let Some(name) = p.name {
            self.set("name", clean_text("name", &name, 200)?.into())?;
        }
        self.opt_text("description", "description", 5000, p.description)?;
        self.opt_text("esco_uri", "escoUri", 500, p.esco_uri)
    }

    pub fn release(&mut self, p: ReleasePatch) -> AppResult<&mut Self> {
        if let Some(y) = p.first_release_year {
            validate_year(y)?;
            self.set("first_release_year", y.into())?;
        }
        self.opt_text("license", "license", 100, p.license)?;
        if let Some(h) = p.homepage {
            self.set("homepage", clean_homepage(h.as_deref())?.into())?;
        }
        Ok(self)
    }
}

/// Saves an edited row: unchanged, it is returned as it was (no write, `updated_at` kept);
/// otherwise `updated_at` is set and a unique-slug clash becomes a Conflict naming `what`, about
/// the `slug` (the only unique column of a catalog row).
pub async fn save<A, M>(
    db: &impl ConnectionTrait,
    current: M,
    mut am: A,
    what: &str,
) -> AppResult<M>
where
    M: IntoActiveModel<A> + Send + Sync,
    A: ActiveModelTrait + ActiveModelBehavior + Send,
    A::Entity: EntityTrait<Model = M>,
    <A::Entity as EntityTrait>::Column: FromStr,
{
    if !am.is_changed() {
        return Ok(current);
    }
    Editor::new(&mut am).set("updated_at", chrono::Utc::now().into())?;
    am.update(db)
        .await
        .map_err(|e| AppError::from_db(e, what).at("slug"))
}
