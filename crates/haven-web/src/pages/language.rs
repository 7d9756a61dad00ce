//! The language switch: a form on every page. Signed-in users keep their choice in
//! their account; visitors in a cookie.

use axum::extract::State;
use axum::http::header;
use axum::response::Response;
use axum::Form;
use haven_domain::Language;
use serde::Deserialize;

use crate::auth::{cookie_header, Visitor, LANGUAGE_COOKIE};
use crate::error::{see_other, WebError};
use crate::pages::local_path;
use crate::state::AppState;

#[derive(Debug, Deserialize)]
pub struct LanguageForm {
    #[serde(default)]
    lang: String,
    #[serde(default)]
    back: String,
}

pub async fn switch_language(
    State(state): State<AppState>,
    visitor: Visitor,
    Form(form): Form<LanguageForm>,
) -> Result<Response, WebError> {
    let language = Language::parse(&form.lang).ok_or(WebError::BadRequest("bad-language"))?;
    if let Some(me) = &visitor.signed_in {
        let caller =
            haven_app::Caller::new(me.user.clone(), me.roles.clone(), visitor.address.clone());
        state.app().set_own_language(&caller, language).await?;
    }
    let mut response = see_other(local_path(&form.back));
    response.headers_mut().append(
        header::SET_COOKIE,
        cookie_header(
            &state,
            LANGUAGE_COOKIE,
            language.code().to_owned(),
            Some(365 * 24 * 3600),
        ),
    );
    Ok(response)
}
