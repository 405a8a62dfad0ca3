//! Enums kept in the database as their `as_str()` word decode straight from the column:
//! storage rows derive `sqlx::FromRow` with `#[sqlx(try_from = "String")]` on such a field,
//! and an unknown word is a decode error naming the type and the word.

macro_rules! stored_as_word {
    ($($ty:ty),* $(,)?) => {
        $(
            impl TryFrom<String> for $ty {
                type Error = String;

                fn try_from(word: String) -> Result<Self, String> {
                    <$ty>::parse(&word)
                        .ok_or_else(|| format!("unknown {} {word:?}", stringify!($ty)))
                }
            }
        )*
    };
}

use crate::application::GuardianLinkState;
use crate::complaint::{CaseState, Channel};
use crate::notice::NoticeKind;
use crate::retrofit::RetrofitState;
use crate::{JurisdictionLevel, Role};

stored_as_word!(
    Role,
    JurisdictionLevel,
    CaseState,
    Channel,
    RetrofitState,
    GuardianLinkState,
    NoticeKind,
);

#[cfg(test)]
mod tests {
    use crate::complaint::CaseState;
    use crate::{JurisdictionLevel, Role};

    #[test]
    fn stored_words_decode_and_unknown_ones_say_what_they_are() {
        for role in Role::ALL {
            assert_eq!(Role::try_from(role.as_str().to_owned()), Ok(role));
        }
        assert_eq!(
            JurisdictionLevel::try_from("street".to_owned()),
            Ok(JurisdictionLevel::Street)
        );
        assert_eq!(
            CaseState::try_from("lost".to_owned()),
            Err("unknown CaseState \"lost\"".to_owned())
        );
    }
}
