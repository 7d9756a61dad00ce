# Haven's interface in Khmer (អន្តរមុខរបស់ Haven ជាភាសាខ្មែរ). Every key here must also be in en.ftl (a test checks).

## Layout
skip-to-content = រំលងទៅកាន់ខ្លឹមសារ
nav-label = ម៉ឺនុយចម្បង
nav-home = ទំព័រដើម
nav-people = បុគ្គល
nav-places = ទីតាំងកម្មវិធី
nav-staff = បុគ្គលិក
nav-users = អ្នកប្រើប្រាស់
nav-audit = កំណត់ត្រាសវនកម្ម
nav-account = គណនីរបស់ខ្ញុំ
sign-out = ចាកចេញ
footer = Haven · កំណត់ត្រាសម្រាប់មជ្ឈមណ្ឌលវេជ្ជសាស្ត្រ SOS និងភូមិកុមារ SOS

## Sign-in
login-title = ចូលប្រើ Haven
login-username = ឈ្មោះអ្នកប្រើ
login-password = ពាក្យសម្ងាត់
login-submit = ចូលប្រើ
login-session-ended = វគ្គប្រើប្រាស់របស់អ្នកបានបញ្ចប់ហើយ។ សូមចូលប្រើម្តងទៀត។
login-signed-out = អ្នកបានចាកចេញហើយ។
login-password-changed = ពាក្យសម្ងាត់របស់អ្នកត្រូវបានប្តូរហើយ។ សូមចូលប្រើដោយពាក្យសម្ងាត់ថ្មី។
login-missing = សូមបញ្ចូលឈ្មោះអ្នកប្រើ និងពាក្យសម្ងាត់របស់អ្នក។
login-throttled = ការព្យាយាមចូលប្រើបរាជ័យច្រើនដងពេក។ សូមរង់ចាំ { $minutes } នាទី រួចព្យាយាមម្តងទៀត។
login-failed = ឈ្មោះអ្នកប្រើ ឬពាក្យសម្ងាត់មិនត្រឹមត្រូវ។

## Errors
error-status = លេខកូដកំហុស { $status }
error-go-home = ទៅកាន់ទំព័រដើម
error-not-found-title = រកមិនឃើញទំព័រ
error-not-found = មិនមានអ្វីនៅអាសយដ្ឋាននេះទេ។ សូមពិនិត្យតំណភ្ជាប់ ឬចាប់ផ្តើមម្តងទៀតពីទំព័រដើម។
error-forbidden-title = មិនមានការអនុញ្ញាត
error-forbidden = តួនាទីរបស់អ្នកមិនអនុញ្ញាតឱ្យបើកទំព័រនេះទេ។ ប្រសិនបើអ្នកត្រូវការ សូមស្នើទៅអ្នកគ្រប់គ្រងប្រព័ន្ធរបស់អ្នក។
error-sign-in-required-title = សូមចូលប្រើ
error-sign-in-required = អ្នកត្រូវចូលប្រើជាមុនសិន ដើម្បីមើលទំព័រនេះ។
error-bad-request-title = សំណើមានបញ្ហា
error-bad-request = Haven មិនអាចអានទិន្នន័យដែលបានផ្ញើមកបានទេ។ សូមត្រឡប់ក្រោយ ពិនិត្យទម្រង់ ហើយផ្ញើម្តងទៀត។
error-conflict-title = មានអ្នកផ្សេងបានកែប្រែ
error-conflict = មានអ្នកផ្សេងបានកែប្រែកំណត់ត្រានេះ បន្ទាប់ពីអ្នកបានបើកវា។ គ្មានអ្វីត្រូវបានរក្សាទុកទេ។ សូមបើកវាម្តងទៀតដើម្បីមើលការកែប្រែទាំងនោះ រួចសឹមធ្វើការកែប្រែរបស់អ្នក។
error-csrf-title = ទម្រង់នេះផុតសុពលភាពហើយ
error-csrf = ទម្រង់នេះចាស់ពេក ឬមិនបានមកពី Haven ទេ។ សូមត្រឡប់ក្រោយ ផ្ទុកទំព័រឡើងវិញ ហើយផ្ញើម្តងទៀត។ កម្មវិធីរុករករបស់អ្នកត្រូវតែអនុញ្ញាតខូគី។
error-too-large-title = ទិន្នន័យច្រើនពេក
error-too-large = ទិន្នន័យដែលបានផ្ញើមក មានទំហំធំជាងកម្រិតដែល Haven អាចទទួលបាន។
error-internal-title = មានបញ្ហាកើតឡើង
error-internal = Haven មិនអាចបញ្ចប់ការងារនេះបានទេ។ Haven មិនបានលុបចោលអ្វីដែលអ្នកបានផ្ញើដោយចេតនាទេ។ សូមព្យាយាមម្តងទៀត ហើយប្រាប់អ្នកគ្រប់គ្រងប្រព័ន្ធរបស់អ្នក ប្រសិនបើបញ្ហានេះកើតឡើងម្តងទៀត។
error-method-not-allowed-title = មិនអាចធ្វើបាននៅទីនេះ
error-method-not-allowed = អាសយដ្ឋាននេះមិនទទួលសំណើប្រភេទនោះទេ។
error-bad-language-title = មិនស្គាល់ភាសានេះ
error-bad-language = Haven មានភាសាអង់គ្លេស និងភាសាខ្មែរ។
error-cannot-disable-self-title = មិនអាចធ្វើបាន
error-cannot-disable-self = អ្នកមិនអាចបិទគណនីផ្ទាល់ខ្លួនរបស់អ្នកបានទេ។

## Home
home-title = ទំព័រដើម
home-welcome = សូមស្វាគមន៍ { $name }
home-your-roles = តួនាទីរបស់អ្នក
home-no-roles = អ្នកមិនទាន់មានតួនាទីនៅឡើយទេ ដូច្នេះអ្នកមិនអាចបើកអ្វីបានទេ។ សូមស្នើអ្នកគ្រប់គ្រងប្រព័ន្ធរបស់អ្នកឱ្យផ្តល់តួនាទីមួយដល់អ្នក។
home-your-work = អ្វីដែលអ្នកអាចបើកបាន
home-failed-sign-ins = ការចូលប្រើបរាជ័យថ្មីៗបំផុត
home-no-failed-sign-ins = គ្មានការចូលប្រើបរាជ័យទេ។
home-see-all-failed = មើលការចូលប្រើបរាជ័យទាំងអស់
sign-in-failed-wrong-password = ពាក្យសម្ងាត់ខុស
sign-in-failed-unknown-user = មិនស្គាល់ឈ្មោះអ្នកប្រើ
sign-in-failed-disabled = គណនីត្រូវបានបិទ

## Scopes
scope-all = គ្រប់ទីកន្លែង
scope-country = ប្រទេស { $place }
scope-programme = កម្មវិធី { $place }
scope-facility = ទីតាំងសេវា { $place }

## Roles
role-doctor = វេជ្ជបណ្ឌិត
role-registered-nurse = គិលានុបដ្ឋាក
role-midwife = ឆ្មប
role-laboratory-technician = អ្នកបច្ចេកទេសមន្ទីរពិសោធន៍
role-pharmacist = ឱសថស្ថាន / កន្លែងផ្តល់ឱសថ
role-records-clerk = បុគ្គលិកកំណត់ត្រា
role-sos-parent = ឪពុកម្តាយ SOS
role-family-assistant = ជំនួយការគ្រួសារ
role-care-worker = សហការីថែទាំកុមារ និងយុវជន
role-social-worker = បុគ្គលិកសង្គមកិច្ច
role-programme-director = នាយកកម្មវិធី
role-safeguarding-focal-point = បុគ្គលទទួលបន្ទុកការពារកុមារ
role-health-promotion-officer = មន្ត្រីលើកកម្ពស់សុខភាព
role-me-officer = មន្ត្រីតាមដាន និងវាយតម្លៃ (M&E)
role-national-director = នាយកជាតិ
role-system-administrator = អ្នកគ្រប់គ្រងប្រព័ន្ធ

## My account
account-title = គណនីរបស់ខ្ញុំ
account-change-password = ប្តូរពាក្យសម្ងាត់របស់ខ្ញុំ
account-current-password = ពាក្យសម្ងាត់បច្ចុប្បន្ន
account-new-password = ពាក្យសម្ងាត់ថ្មី
account-confirm-password = វាយពាក្យសម្ងាត់ថ្មីម្តងទៀត
account-password-hint = យ៉ាងហោចណាស់ ១០ តួអក្សរ។ ប្រយោគខ្លីមួយងាយចងចាំ ហើយពិបាកទាយ។
account-current-wrong = ពាក្យសម្ងាត់បច្ចុប្បន្នមិនត្រឹមត្រូវ។
account-passwords-differ = ពាក្យសម្ងាត់ថ្មីទាំងពីរមិនដូចគ្នាទេ។
account-bad-username = ឈ្មោះអ្នកប្រើត្រូវមានពី ៣ ដល់ ៦៤ តួ ដែលជាអក្សរ (a–z) លេខ ចំណុច (.) សញ្ញាដក (-) ឬសញ្ញាគូសក្រោម (_)។
account-bad-display-name = សូមបញ្ចូលឈ្មោះដែលមានពី ១ ដល់ ២០០ តួអក្សរ។
account-password-too-short = ពាក្យសម្ងាត់ត្រូវមានយ៉ាងហោចណាស់ ១០ តួអក្សរ។
account-password-too-long = ពាក្យសម្ងាត់អាចមានច្រើនបំផុត ២៥៦ តួអក្សរ។
account-password-is-username = ពាក្យសម្ងាត់មិនត្រូវដូចឈ្មោះអ្នកប្រើទេ។

## Users
users-title = អ្នកប្រើប្រាស់
users-export = ទាញយកគណនី (CSV)
users-username = ឈ្មោះអ្នកប្រើ
users-display-name = ឈ្មោះ
users-roles = តួនាទី
users-status = ស្ថានភាព
users-active = សកម្ម
users-disabled = បានបិទ
users-new = អ្នកប្រើថ្មី
users-initial-password = ពាក្យសម្ងាត់ដំបូង
users-language = ភាសា
users-role = តួនាទី
users-choose-role = ជ្រើសរើសតួនាទី
users-scope = ទីកន្លែងអនុវត្តតួនាទី
users-scope-hint = all, country:KH, programme:ID ឬ facility:ID
users-bad-scope = សូមសរសេរទីកន្លែងជា all, country:KH, programme:ID ឬ facility:ID ។
users-create = បង្កើតអ្នកប្រើ
users-username-taken = ឈ្មោះអ្នកប្រើនេះមានគេប្រើរួចហើយ។

## One user
user-title = អ្នកប្រើ
user-created = កាលបរិច្ឆេទបង្កើត
user-version = កំណែ
user-see-audit = មើលកំណត់ត្រាសវនកម្មរបស់គណនីនេះ
user-since = ចាប់ពី
user-revoked-at = បានដកហូត { $when }
user-revoke = ដកហូត
user-add-role = ផ្តល់តួនាទី
user-reset-password = កំណត់ពាក្យសម្ងាត់ឡើងវិញ
user-reset-hint = វគ្គប្រើប្រាស់របស់អ្នកប្រើនេះនឹងបញ្ចប់ភ្លាមៗ ហើយថូខឹន API របស់គាត់ត្រូវបានដកហូត។ សូមប្រាប់ពាក្យសម្ងាត់ថ្មីដល់គាត់ដោយផ្ទាល់។
user-password-was-reset = ពាក្យសម្ងាត់ត្រូវបានកំណត់ឡើងវិញ ហើយវគ្គប្រើប្រាស់របស់អ្នកប្រើនេះត្រូវបានបញ្ចប់។
user-access = សិទ្ធិចូលប្រើ
user-cannot-disable-self = អ្នកមិនអាចបិទគណនីផ្ទាល់ខ្លួនរបស់អ្នកបានទេ។
user-disable-hint = ការបិទគណនីនឹងបញ្ចប់វគ្គប្រើប្រាស់របស់អ្នកប្រើនេះភ្លាមៗ។ គ្មានអ្វីត្រូវបានលុបទេ ហើយគណនីនេះអាចបើកឡើងវិញបាន។
user-disable = បិទគណនី
user-enable = បើកគណនីឡើងវិញ
user-tokens = ថូខឹន API
user-token-once = សូមចម្លងថូខឹននេះឥឡូវនេះ៖ Haven បង្ហាញវាតែម្តងប៉ុណ្ណោះ។
user-token-label = ថូខឹននេះសម្រាប់ធ្វើអ្វី
user-token-create = បង្កើតថូខឹន
user-token-label-needed = សូមសរសេរមិនលើសពី ១០០ តួអក្សរ ថាថូខឹននេះសម្រាប់ធ្វើអ្វី។

## Audit trail
audit-title = កំណត់ត្រាសវនកម្ម
audit-who = នរណា
audit-action = សកម្មភាព
audit-any = ទាំងអស់
audit-entity = ប្រភេទកំណត់ត្រា
audit-record = កំណត់ត្រា
audit-from = ចាប់ពីថ្ងៃ
audit-until = ដល់ថ្ងៃ
audit-filter = ច្រោះ
audit-none = គ្មានព្រឹត្តិការណ៍ដែលត្រូវគ្នាទេ។
audit-when = ពេលវេលា
audit-address = អាសយដ្ឋានប្រភព
audit-detail = ព័ត៌មានលម្អិត
audit-older = ព្រឹត្តិការណ៍ចាស់ជាងនេះ
audit-bad-date = សូមសរសេរកាលបរិច្ឆេទជាទម្រង់ YYYY-MM-DD ដែលឆ្នាំនៅចន្លោះ ១៩០០ ដល់ ៩៩៩៨ ។
audit-export = ទាញយកព្រឹត្តិការណ៍ទាំងនេះ (CSV)
action-sign-in = បានចូលប្រើ
action-sign-in-failed = ការចូលប្រើបរាជ័យ
action-sign-out = បានចាកចេញ
action-user-create = បានបង្កើតអ្នកប្រើ
action-user-disable = បានបិទគណនីអ្នកប្រើ
action-user-enable = បានបើកគណនីអ្នកប្រើឡើងវិញ
action-user-password-reset = បានប្តូរពាក្យសម្ងាត់
action-user-language = បានប្តូរភាសា
action-role-assign = បានផ្តល់តួនាទី
action-role-revoke = បានដកហូតតួនាទី
action-api-token-create = បានបង្កើតថូខឹន API
action-api-token-revoke = បានដកហូតថូខឹន API
users-scope-beyond-yours = អ្នកអាចផ្តល់តួនាទីបានតែនៅក្នុងទីកន្លែងដែលអ្នកគ្រប់គ្រងគណនីប៉ុណ្ណោះ។
error-cannot-revoke-own-role-title = មិនអាចធ្វើបាន
error-cannot-revoke-own-role = អ្នកមិនអាចដកហូតតួនាទីរបស់ខ្លួនឯងបានទេ។ សូមស្នើអ្នកគ្រប់គ្រងម្នាក់ទៀត។
entity-user = គណនីអ្នកប្រើ
users-sealed-account = មានតែអ្នកទទួលបន្ទុកការពារកុមារថ្នាក់ជាតិប៉ុណ្ណោះ ដែលអាចផ្តល់តួនាទីនេះ ឬកែប្រែគណនីនេះបាន៖ ម្ចាស់គណនីអានរបាយការណ៍ការពារកុមារដែលបានបិទការពារ។
user-role-password = ពាក្យសម្ងាត់ថ្មីសម្រាប់គណនី (សម្រាប់តួនាទីការពារកុមារ)
user-role-password-hint = ការផ្តល់តួនាទីការពារកុមារ កំណត់ពាក្យសម្ងាត់ថ្មីក្នុងពេលតែមួយ បញ្ចប់វគ្គប្រើប្រាស់ និងដកហូតថូខឹន API របស់គណនី៖ អ្នកដែលដឹងពាក្យសម្ងាត់ចាស់ មិនត្រូវមានសិទ្ធិនៃតួនាទីថ្មីឡើយ។ សូមប្រាប់ពាក្យសម្ងាត់ថ្មីដល់គាត់ដោយខ្លួនឯង។
user-sealed-role-needs-password = សូមផ្តល់ពាក្យសម្ងាត់ថ្មីដល់គណនី ជាមួយតួនាទីការពារកុមារ។
error-scope-beyond-yours-title = ហួសពីទីកន្លែងរបស់អ្នក
error-scope-beyond-yours = នេះហួសពីទីកន្លែងដែលតួនាទីរបស់អ្នកអនុញ្ញាតឱ្យធ្វើ។ គ្មានអ្វីត្រូវបានរក្សាទុកទេ។
error-sealed-account-title = គណនីការពារកុមារ
error-sealed-account = មានតែអ្នកទទួលបន្ទុកការពារកុមារថ្នាក់ជាតិប៉ុណ្ណោះ ដែលអាចកែប្រែគណនីនេះ ឬផ្តល់តួនាទីនេះបាន។ គ្មានអ្វីត្រូវបានរក្សាទុកទេ។
error-duplicate-title = បានកត់ត្រារួចហើយ
error-duplicate = អ្វីមួយក្នុងទម្រង់នេះ បានកត់ត្រារួចហើយ ហើយត្រូវតែមិនស្ទួន។ គ្មានអ្វីត្រូវបានរក្សាទុកទេ។
error-invalid-title = មិនបានរក្សាទុក
error-invalid = អ្វីមួយក្នុងទម្រង់ ផ្ទុយនឹងច្បាប់។ សូមត្រឡប់ក្រោយ ពិនិត្យទម្រង់ ហើយផ្ញើម្តងទៀត។
login-throttled-seconds = ការព្យាយាមចូលប្រើបរាជ័យច្រើនដងពេក។ សូមរង់ចាំ { $seconds } វិនាទី រួចព្យាយាមម្តងទៀត។
