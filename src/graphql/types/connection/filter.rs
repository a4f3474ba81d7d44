//! The `filter:` inputs of the nested connections whose edges carry importance and level (a
//! role's skills and frameworks, a skill's or framework's roles), and their conversion to the
//! domain's [`EdgeFilter`].
use async_graphql::InputObject;
use sea_orm::ActiveEnum;

use crate::{
    catalog::filters::EdgeFilter,
    error::AppError,
    graphql::types::{FrameworkCategory, Importance, SkillKind},
};

/// A `filter:` input of a nested connection.
pub trait NestedFilter {
    /// The domain filter, with its level bounds checked (VALIDATION otherwise).
    fn to_edge_filter(&self) -> Result<EdgeFilter, AppError>;
}

/// Declares a requirement-edge filter input: importance and level bounds, plus the extra
/// fields given (a condition on the node at the other end).
macro_rules! requirement_filter {
    (
        $(#[doc = $doc:literal])*
        $name:ident { $($extra:tt)* } => |$f:ident| ($kind:expr, $category:expr)
    ) => {
        $(#[doc = $doc])*
        #[derive(InputObject, Clone, Debug, Default)]
        pub struct $name {
            /// Only edges of one of these importances.
            pub importance: Option<Vec<Importance>>,
            /// Only edges at this level or above, 1–5 (else VALIDATION). Edges without a level
            /// (imported from ESCO or O*NET's technology lists, which give none) are left out:
            /// an unknown level is not "at least" anything.
            pub min_level: Option<i32>,
            /// Only edges at this level or below, 1–5, at least `minLevel` (else VALIDATION).
            /// Edges without a level are left out.
            pub max_level: Option<i32>,
            $($extra)*
        }

        impl NestedFilter for $name {
            fn to_edge_filter(&self) -> Result<EdgeFilter, AppError> {
                let $f = self;
                EdgeFilter::new(
                    $f.importance
                        .as_ref()
                        .map(|v| v.iter().map(|&i| i.into()).collect()),
                    $f.min_level,
                    $f.max_level,
                    $kind,
                    $category,
                )
            }
        }
    };
}

requirement_filter! {
    /// Which of a role's skill requirements `Role.skills` lists; the fields given are ANDed.
    RoleSkillFilter {
        /// Only skills of one of these kinds.
        pub kind: Option<Vec<SkillKind>>,
    } => |f| (
        f.kind.as_ref().map(|v| v.iter().map(|k| k.to_value()).collect()),
        None
    )
}

requirement_filter! {
    /// Which of the frameworks a role uses `Role.frameworks` lists; the fields given are ANDed.
    RoleFrameworkFilter {
        /// Only frameworks in one of these categories.
        pub category: Option<Vec<FrameworkCategory>>,
    } => |f| (
        None,
        f.category.as_ref().map(|v| v.iter().map(|c| c.to_value()).collect())
    )
}

requirement_filter! {
    /// Which of the roles requiring a skill `Skill.roles` lists; the fields given are ANDed.
    SkillRoleFilter {} => |_f| (None, None)
}

requirement_filter! {
    /// Which of the roles using a framework `Framework.roles` lists; the fields given are ANDed.
    FrameworkRoleFilter {} => |_f| (None, None)
}
