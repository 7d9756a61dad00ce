//! The safeguarding part's actions (issue 13: moved here from haven-web, one handler at a time).

use crate::App;

impl App {}
