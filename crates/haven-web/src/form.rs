//! A page's forms as they come back: the fields sent ([`Fields`]), the messages at
//! the wrong ones ([`FieldMessages`]) and the state a form is shown again in
//! ([`FormState`]). One of each for every part, so that a form refused anywhere keeps
//! what was typed, shows its messages at its fields, and keeps its one-time token.

use std::collections::BTreeMap;

use haven_app::model::clinic::FormToken;
use haven_app::model::Id;

use crate::i18n::Tr;

/// A rule's error that has a stable code (its translation key): the domain's error
/// types of each part.
pub trait Coded: Copy {
    fn code(self) -> &'static str;
}

impl Coded for haven_domain::clinic::ClinicError {
    fn code(self) -> &'static str {
        haven_domain::clinic::ClinicError::code(self)
    }
}

impl Coded for haven_domain::care::CareError {
    fn code(self) -> &'static str {
        haven_domain::care::CareError::code(self)
    }
}

/// The fields of a form as sent, in order. A repeated field (ticked boxes with one
/// name) keeps every value.
#[derive(Clone, Debug, Default)]
pub struct Fields(pub Vec<(String, String)>);

impl Fields {
    pub fn new(pairs: Vec<(String, String)>) -> Fields {
        Fields(pairs)
    }

    /// The first value of a field, or empty.
    pub fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    }

    /// Every value of a field, in the order sent.
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// True when the field holds this value: a selected option or a ticked box.
    pub fn has(&self, name: &str, value: &str) -> bool {
        self.0.iter().any(|(k, v)| k == name && v == value)
    }

    /// A ticked box (sent with any non-empty value).
    pub fn flag(&self, name: &str) -> bool {
        !self.get(name).is_empty()
    }

    /// A ticked box sent as `on`, `true`, `1` or `yes`.
    pub fn ticked(&self, name: &str) -> bool {
        matches!(self.get(name), "on" | "true" | "1" | "yes")
    }

    /// Replaces a field's values with one.
    pub fn set(&mut self, name: &str, value: impl Into<String>) {
        self.0.retain(|(k, _)| k != name);
        self.0.push((name.to_owned(), value.into()));
    }

    /// The record's version the form was read at (`-1`, never a version, when
    /// missing).
    pub fn version(&self) -> i64 {
        self.get("version").trim().parse().unwrap_or(-1)
    }

    /// An id sent in a field.
    pub fn id(&self, name: &str) -> Option<Id> {
        self.get(name).trim().parse().ok()
    }

    /// The one-time token the form sent, if it is one.
    pub fn token(&self) -> Option<FormToken> {
        FormToken::parse(self.get("once"))
    }
}

/// Messages at the fields of a form, by field name, in the reader's language. The
/// first message set at a field stays.
#[derive(Clone, Debug, Default)]
pub struct FieldMessages(BTreeMap<String, String>);

impl FieldMessages {
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0.get(field).map(String::as_str)
    }

    pub fn set(&mut self, field: &str, message: String) {
        self.0.entry(field.to_owned()).or_insert(message);
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Puts each field error of haven-app at its field, in the reader's language.
    pub fn from_app(tr: &Tr, errors: &[haven_app::FieldError]) -> FieldMessages {
        let mut messages = FieldMessages::default();
        for error in errors {
            messages.set(error.field, tr.t(error.code));
        }
        messages
    }
}

/// A form shown again: which form of the page it is (a page with several forms shows
/// the input only in the one that came back), what was typed, the messages at its
/// fields, a notice above it (a conflict, a refusal that names no field), and the
/// one-time token it carries (kept when it comes back, so that the corrected form,
/// sent again, still records once).
#[derive(Clone, Debug)]
pub struct FormState {
    pub form: String,
    pub values: Fields,
    pub errors: FieldMessages,
    pub notice: Option<String>,
    pub token: String,
}

impl Default for FormState {
    /// A fresh form with a new token.
    fn default() -> FormState {
        FormState {
            form: String::new(),
            values: Fields::default(),
            errors: FieldMessages::default(),
            notice: None,
            token: FormToken::new().as_str().to_owned(),
        }
    }
}

impl FormState {
    /// A fresh form with a new token.
    pub fn new() -> FormState {
        FormState::default()
    }

    /// Form `form` sent back with `values`, keeping its token when it sent one.
    pub fn sent_as(form: &str, values: Fields) -> FormState {
        let token = values
            .token()
            .map(|t| t.as_str().to_owned())
            .unwrap_or_else(|| FormToken::new().as_str().to_owned());
        FormState {
            form: form.to_owned(),
            values,
            token,
            ..FormState::default()
        }
    }

    /// A page's one form sent back.
    pub fn sent(pairs: &[(String, String)]) -> FormState {
        FormState::sent_as("", Fields(pairs.to_vec()))
    }

    /// The same form with `name` set to `value`.
    pub fn with(mut self, name: &str, value: impl Into<String>) -> FormState {
        self.values.set(name, value);
        self
    }

    /// What was typed in `name` (empty when nothing).
    pub fn value(&self, name: &str) -> &str {
        self.values.get(name)
    }

    /// True when `name` holds `value` (for selected options and checked boxes).
    pub fn is(&self, name: &str, value: &str) -> bool {
        self.values.has(name, value)
    }

    /// The message at `name`, if any.
    pub fn error(&self, name: &str) -> Option<&str> {
        self.errors.get(name)
    }

    /// Puts each field error of haven-app at its field, in the reader's language.
    pub fn refuse_fields(mut self, tr: &Tr, errors: &[haven_app::FieldError]) -> FormState {
        for error in errors {
            self.errors.set(error.field, tr.t(error.code));
        }
        self
    }

    /// Puts each of the domain's field errors at its field, in the reader's language.
    pub fn refuse<E: Coded>(mut self, tr: &Tr, errors: &[(&'static str, E)]) -> FormState {
        for (field, error) in errors {
            self.errors.set(field, tr.t(error.code()));
        }
        self
    }

    /// Form `form` sent back with `values` and the domain's field errors.
    pub fn failed<E: Coded>(
        form: &str,
        values: Fields,
        tr: &Tr,
        problems: Vec<(&'static str, E)>,
    ) -> FormState {
        FormState::sent_as(form, values).refuse(tr, &problems)
    }

    /// Form `form` sent back with `values` and one rule's error at `field`.
    pub fn refused<E: Coded>(
        form: &str,
        values: Fields,
        tr: &Tr,
        field: &str,
        error: E,
    ) -> FormState {
        FormState::sent_as(form, values).refuse_at(field, tr.t(error.code()))
    }

    /// Puts a message at one field.
    pub fn refuse_at(mut self, field: &str, message: String) -> FormState {
        self.errors.set(field, message);
        self
    }

    /// What was typed in `field` of `form`, if that form came back.
    pub fn v(&self, form: &str, field: &str) -> String {
        if self.form == form {
            self.values.get(field).to_owned()
        } else {
            String::new()
        }
    }

    /// True when `value` was among what was sent for `field` of `form`.
    pub fn has(&self, form: &str, field: &str, value: &str) -> bool {
        self.form == form && self.values.has(field, value)
    }

    /// The message at `field` of `form`, if that form came back with one.
    pub fn e(&self, form: &str, field: &str) -> Option<String> {
        if self.form == form {
            self.errors.get(field).map(str::to_owned)
        } else {
            None
        }
    }

    /// True when `form` came back with any message.
    pub fn any(&self, form: &str) -> bool {
        self.form == form && !self.errors.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn a_form_sent_back_keeps_its_values_its_token_and_its_first_message() {
        let token = FormToken::new();
        let sent = pairs(&[
            ("once", token.as_str()),
            ("dose", "bcg"),
            ("dose", "opv0"),
            ("note", "typed"),
        ]);
        let form = FormState::sent_as("doses", Fields(sent))
            .refuse_at("note", "first".to_owned())
            .refuse_at("note", "second".to_owned());
        assert_eq!(form.token, token.as_str());
        assert_eq!(form.v("doses", "note"), "typed");
        assert_eq!(form.v("other", "note"), "");
        assert!(form.has("doses", "dose", "opv0"));
        assert!(!form.has("other", "dose", "opv0"));
        assert_eq!(form.e("doses", "note").as_deref(), Some("first"));
        assert!(form.any("doses"));
        assert!(!form.any("other"));
        assert_eq!(form.values.all("dose"), vec!["bcg", "opv0"]);
    }

    #[test]
    fn a_form_without_a_valid_token_gets_a_new_one() {
        let form = FormState::sent(&pairs(&[("once", "forged")]));
        assert_ne!(form.token, "forged");
        assert!(FormToken::parse(&form.token).is_some());
    }
}
