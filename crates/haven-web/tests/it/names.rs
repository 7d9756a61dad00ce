//! Web tests: a name holding hidden characters (a right-to-left override, NUL, a line
//! break) or no letter at all is refused at its field: over the API with a stable
//! code, and on the registration page in the user's language with what was typed
//! kept.

use axum::http::StatusCode;
use haven_domain::person::PersonError;
use haven_domain::{Language, Role};
use haven_store::Actor;
use serde_json::{json, Value};

use crate::support::{apps, message, Answer, App, Browser};

async fn clerk(app: &App, language: Language) -> Browser<'_> {
    let name = format!("clerk-{}", language.code());
    let user = app.user(&name, Role::RecordsClerk).await;
    if language == Language::Khmer {
        app.store
            .set_user_language(&Actor::system(), user.id, user.version, language)
            .await
            .expect("Khmer");
    }
    app.session_for(&user).await
}

/// The `(field, code)` pairs of a 422 problem.
fn field_errors(app: &App, answer: &Answer) -> Vec<(String, String)> {
    let what = format!("[{}] {} {}", app.label, answer.status, answer.body);
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY, "{what}");
    assert_eq!(answer.content_type(), "application/problem+json", "{what}");
    let problem = answer.json();
    assert_eq!(problem["code"], "validation.failed", "{what}");
    problem["errors"]
        .as_array()
        .unwrap_or_else(|| panic!("a list of errors: {what}"))
        .iter()
        .map(|e| {
            (
                e["field"].as_str().unwrap_or("").to_owned(),
                e["code"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect()
}

fn api_registration(names: &Value) -> String {
    json!({
        "names": names,
        "sex": "male",
        "birth_date": {"date": "2019-03-04"},
        "address": {"village": "Prek Leap"}
    })
    .to_string()
}

#[tokio::test]
async fn the_api_refuses_a_name_with_hidden_characters_at_its_field() {
    let cases = [
        (
            json!({"family_latin": "\u{202E}", "given_latin": "Dara"}),
            "names.family_latin",
            PersonError::NameHasDirectionControl,
        ),
        (
            json!({"family_km": "សុខ", "family_latin": "\u{202E}koS\u{202C}", "given_latin": "Dara"}),
            "names.family_latin",
            PersonError::NameHasDirectionControl,
        ),
        (
            json!({"family_km": "\u{2067}សុខ", "given_km": "ដារា"}),
            "names.family_km",
            PersonError::NameHasDirectionControl,
        ),
        (
            json!({"family_latin": "Sok", "given_latin": "Da\u{0}ra"}),
            "names.given_latin",
            PersonError::NameHasControlCharacter,
        ),
        (
            json!({"family_latin": "Sok", "given_latin": "Dara\r\nPov"}),
            "names.given_latin",
            PersonError::NameHasControlCharacter,
        ),
        (
            json!({"family_km": "\u{200B}\u{200D}", "given_latin": "Dara"}),
            "names.family_km",
            PersonError::NameWithoutLetter,
        ),
    ];
    for app in apps().await {
        let clerk = app.user("clerk", Role::RecordsClerk).await;
        let mut client = app.api_client(&clerk).await;
        for (names, field, error) in &cases {
            let answer = client
                .post_json("/api/v1/people", &api_registration(names))
                .await;
            assert_eq!(
                field_errors(&app, &answer),
                vec![((*field).to_owned(), error.code().to_owned())],
                "[{}] {names}",
                app.label
            );
        }
        // The same body with names as they are written is taken.
        let good = json!({"family_km": "ចាន់", "given_km": "សុភា", "family_latin": "O'Neil", "given_latin": "Sok Dara"});
        let answer = client
            .post_json("/api/v1/people", &api_registration(&good))
            .await;
        assert_eq!(
            answer.status,
            StatusCode::CREATED,
            "[{}] {}",
            app.label,
            answer.body
        );
        assert_eq!(answer.json()["names"]["given_km"], "សុភា");
    }
}

/// A registration form: the fields given over these defaults.
fn registration<'a>(over: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut fields = vec![
        ("family_name_km", "សុខ"),
        ("given_name_km", "ស្រីពៅ"),
        ("family_name_latin", "Sok"),
        ("given_name_latin", "Sreypov"),
        ("nicknames", "អាពៅ"),
        ("sex", "female"),
        ("precision", "exact"),
        ("day", "4"),
        ("month", "3"),
        ("year", "2015"),
        ("phone", "012 345 678"),
        ("province_code", ""),
        ("village", "Prek Leap"),
        ("category", "sos_child"),
    ];
    for (key, value) in over {
        fields.retain(|(k, _)| k != key);
        fields.push((key, value));
    }
    fields
}

/// The page between the input `field` and the label of the field after it: where a
/// message at `field` stands.
fn at_field<'a>(page: &'a str, field: &str, next: &str) -> &'a str {
    let start = page
        .find(&format!("id=\"{field}\""))
        .unwrap_or_else(|| panic!("no field {field}"));
    let end = page[start..]
        .find(&format!("<label for=\"{next}\""))
        .map_or(page.len(), |end| start + end);
    &page[start..end]
}

#[tokio::test]
async fn the_registration_form_comes_back_with_the_message_at_the_family_name() {
    // (field, what is typed there, the refusal, the field after it on the form)
    let cases = [
        (
            "family_name_km",
            "\u{202E}",
            PersonError::NameHasDirectionControl,
            "given_name_km",
        ),
        (
            "family_name_latin",
            "\u{202E}koS",
            PersonError::NameHasDirectionControl,
            "given_name_latin",
        ),
        (
            "family_name_latin",
            "So\u{0}k",
            PersonError::NameHasControlCharacter,
            "given_name_latin",
        ),
        (
            "family_name_km",
            "\u{200B}\u{200C}",
            PersonError::NameWithoutLetter,
            "given_name_km",
        ),
    ];
    for app in apps().await {
        for language in Language::ALL {
            let mut browser = clerk(&app, language).await;
            for (field, typed, error, next) in cases {
                let form = registration(&[(field, typed)]);
                let answer = browser.post_form("/people/new", &form).await;
                let what = format!(
                    "[{}] {language:?} {field} {typed:?}: {}",
                    app.label, answer.status
                );
                assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY, "{what}");
                let text = answer.text();
                let said = message(language, error.code());
                assert!(at_field(&text, field, next).contains(&said), "{what}");
                assert_eq!(text.matches(&said).count(), 1, "{what}: only there");
                // Everything else that was typed is still there.
                for (other, value) in form.iter().filter(|(name, _)| *name != field) {
                    let kept = match *other {
                        "sex" | "category" => format!("name=\"{other}\" value=\"{value}\" checked"),
                        "precision" | "province_code" => continue,
                        _ => format!("name=\"{other}\" value=\"{value}\""),
                    };
                    assert!(answer.body.contains(&kept), "{what}: {other} kept");
                }
            }
        }
    }
}
