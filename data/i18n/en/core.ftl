# Haven's interface in English. Every key here must also be in km.ftl (a test checks).

## Layout
skip-to-content = Skip to the content
nav-label = Main menu
nav-home = Home
nav-people = People
nav-places = Programme locations
nav-staff = Staff
nav-users = Users
nav-audit = Audit trail
nav-account = My account
sign-out = Sign out
footer = Haven · records for SOS Medical Centres and SOS Children's Villages

## Sign-in
login-title = Sign in to Haven
login-username = Username
login-password = Password
login-submit = Sign in
login-session-ended = Your session has ended. Please sign in again.
login-signed-out = You have signed out.
login-password-changed = Your password was changed. Please sign in with the new one.
login-missing = Enter your username and your password.
login-throttled = Too many failed attempts. Wait { $minutes } minutes, then try again.
login-failed = The username or the password is wrong.

## Errors
error-status = Error code { $status }
error-go-home = Go to the home page
error-not-found-title = Page not found
error-not-found = There is nothing at this address. Check the link, or start again from the home page.
error-forbidden-title = Not allowed
error-forbidden = Your role does not allow you to open this page. Ask your administrator if you need it.
error-sign-in-required-title = Please sign in
error-sign-in-required = You need to sign in to see this.
error-bad-request-title = Something is wrong with the request
error-bad-request = Haven could not read what was sent. Go back, check the form and send it again.
error-conflict-title = Changed by someone else
error-conflict = Someone changed this record after you opened it. Nothing was saved. Open it again to see the changes, then make yours.
error-csrf-title = The form has expired
error-csrf = This form is too old or did not come from Haven. Go back, reload the page, and send it again. Cookies must be allowed.
error-too-large-title = Too much data
error-too-large = What was sent is larger than Haven accepts.
error-internal-title = Something went wrong
error-internal = Haven could not finish this. Nothing you sent was lost on purpose; try again, and tell your administrator if it happens again.
error-method-not-allowed-title = Not possible here
error-method-not-allowed = This address does not accept that kind of request.
error-bad-language-title = Unknown language
error-bad-language = Haven speaks English and Khmer.
error-cannot-disable-self-title = Not possible
error-cannot-disable-self = You cannot disable your own account.

## Home
home-title = Home
home-welcome = Welcome, { $name }
home-your-roles = Your roles
home-no-roles = You have no role yet, so there is nothing you can open. Ask your administrator to give you one.
home-your-work = What you can open
home-failed-sign-ins = Latest failed sign-ins
home-no-failed-sign-ins = No failed sign-ins.
home-see-all-failed = See all failed sign-ins
sign-in-failed-wrong-password = wrong password
sign-in-failed-unknown-user = unknown username
sign-in-failed-disabled = account disabled

## Scopes
scope-all = everywhere
scope-country = country { $place }
scope-programme = programme { $place }
scope-facility = facility { $place }

## Roles
role-doctor = Doctor
role-registered-nurse = Registered nurse
role-midwife = Midwife
role-laboratory-technician = Laboratory technician
role-pharmacist = Pharmacy / dispensary
role-records-clerk = Records clerk
role-sos-parent = SOS parent
role-family-assistant = Family assistant
role-care-worker = Child and youth care co-worker
role-social-worker = Social worker
role-programme-director = Programme director
role-safeguarding-focal-point = Child safeguarding focal point
role-health-promotion-officer = Health promotion officer
role-me-officer = M&E officer
role-national-director = National director
role-system-administrator = System administrator

## My account
account-title = My account
account-change-password = Change my password
account-current-password = Current password
account-new-password = New password
account-confirm-password = New password again
account-password-hint = At least 10 characters. A short sentence is easy to remember and hard to guess.
account-current-wrong = The current password is wrong.
account-passwords-differ = The two new passwords are not the same.
account-bad-username = A username is 3 to 64 letters (a–z), digits, dots, dashes or underscores.
account-bad-display-name = Enter a name of 1 to 200 characters.
account-password-too-short = A password needs at least 10 characters.
account-password-too-long = A password can have at most 256 characters.
account-password-is-username = The password must not be the username.

## Users
users-title = Users
users-export = Download the accounts (CSV)
users-username = Username
users-display-name = Name
users-roles = Roles
users-status = Status
users-active = Active
users-disabled = Disabled
users-new = New user
users-initial-password = First password
users-language = Language
users-role = Role
users-choose-role = Choose a role
users-scope = Where the role holds
users-scope-hint = all, country:KH, programme:ID or facility:ID
users-bad-scope = Write the place as all, country:KH, programme:ID or facility:ID.
users-create = Create the user
users-username-taken = This username is already taken.

## One user
user-title = User
user-created = Created
user-version = Version
user-see-audit = See this account's audit trail
user-since = Since
user-revoked-at = revoked { $when }
user-revoke = Revoke
user-add-role = Give the role
user-reset-password = Reset the password
user-reset-hint = The user's sessions end at once and their API tokens are revoked; tell them the new password in person.
user-password-was-reset = The password was reset and the user's sessions were ended.
user-access = Access
user-cannot-disable-self = You cannot disable your own account.
user-disable-hint = Disabling ends the user's sessions at once. Nothing is deleted, and the account can be enabled again.
user-disable = Disable the account
user-enable = Enable the account
user-tokens = API tokens
user-token-once = Copy this token now: Haven shows it only once.
user-token-label = What the token is for
user-token-create = Make a token
user-token-label-needed = Say in up to 100 characters what the token is for.

## Audit trail
audit-title = Audit trail
audit-who = Who
audit-action = Action
audit-any = Any
audit-entity = Kind of record
audit-record = Record
audit-from = From
audit-until = Until
audit-filter = Filter
audit-none = No event matches.
audit-when = When
audit-address = From address
audit-detail = Detail
audit-older = Older events
audit-bad-date = Write dates as YYYY-MM-DD, with a year from 1900 to 9998.
audit-export = Download these events (CSV)
action-sign-in = Signed in
action-sign-in-failed = Failed sign-in
action-sign-out = Signed out
action-user-create = Created a user
action-user-disable = Disabled a user
action-user-enable = Enabled a user
action-user-password-reset = Changed a password
action-user-language = Changed the language
action-role-assign = Gave a role
action-role-revoke = Revoked a role
action-api-token-create = Made an API token
action-api-token-revoke = Revoked an API token
users-scope-beyond-yours = You can only give roles within the places where you manage accounts.
error-cannot-revoke-own-role-title = Not possible
error-cannot-revoke-own-role = You cannot revoke your own roles. Ask another administrator.
entity-user = user account
users-sealed-account = Only a national safeguarding focal point can give this role or change this account: its holder reads sealed safeguarding reports.
user-role-password = New password for the account (for a safeguarding role)
user-role-password-hint = Giving a safeguarding role sets a new password in the same step, ends the account's sessions and revokes its API tokens: whoever knew the old password must not hold the new role's access. Tell the person the new password yourself.
user-sealed-role-needs-password = Give the account a new password with a safeguarding role.
error-scope-beyond-yours-title = Beyond your places
error-scope-beyond-yours = This is beyond the places where your roles let you act. Nothing was saved.
error-sealed-account-title = A safeguarding account
error-sealed-account = Only a national safeguarding focal point can change this account or give this role. Nothing was saved.
error-duplicate-title = Already recorded
error-duplicate = Something in this form is already recorded and must be unique. Nothing was saved.
error-invalid-title = Not saved
error-invalid = Something in the form breaks a rule. Go back, check the form and send it again.
login-throttled-seconds = Too many failed attempts. Wait { $seconds } seconds, then try again.
