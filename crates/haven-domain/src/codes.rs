//! `coded_enum!`: enums of stable codes (stored in the database, sent in the API,
//! written in CSV files, and used as translation keys).

/// Declares an enum of stable codes with `code`, `parse` and `ALL`.
macro_rules! coded_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $code:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($(#[$vmeta])* $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stable code, used in the database, the API, CSV files and
            /// translation keys.
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            pub fn parse(code: &str) -> Option<$name> {
                let code = code.trim();
                Self::ALL.iter().copied().find(|v| v.code().eq_ignore_ascii_case(code))
            }

            /// The translation key of the value's name.
            pub fn label_key(self) -> String {
                format!("{}-{}", stringify!($name).to_ascii_lowercase(), self.code().replace('_', "-"))
            }
        }
    };
}
