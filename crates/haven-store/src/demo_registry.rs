//! Demo data for the registry: a country office, programmes, staff and people.
//!
//! Everything is made from a seed (`rand`'s `StdRng`) and today's date, so the same
//! seed and day give the same names, families and identifiers (ids are UUIDv7 and
//! differ). Rows are written in bulk: multi-row `INSERT`s, a few thousand people per
//! transaction, search tokens built here rather than re-read per person. Every record
//! carries its site, creator and version 1 and has its change-log row; one audit event
//! (`demo_data`) summarises the run.

use std::collections::HashSet;

use haven_domain::person::{identifier_key, phone_key, HavenNumber};
use haven_domain::search::{person_tokens, PersonTokenInput};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use time::{Date, Duration};

use crate::db::{on_pool, BeginWrite};
use crate::ledger::{Actor, Ledger, NewAuditEvent};
use crate::{Id, Result, Store, Timestamp};

/// How much demo registry data to make.
#[derive(Clone, Debug)]
pub struct DemoRegistryOptions {
    /// People besides staff (staff are about 220 more).
    pub people: usize,
    pub seed: u64,
    /// The day ages are counted from.
    pub today: Date,
}

/// What a demo run wrote.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DemoRegistrySummary {
    pub programmes: usize,
    pub facilities: usize,
    pub staff: usize,
    pub people: usize,
    pub relationships: usize,
    pub identifiers: usize,
    pub tokens: usize,
}

impl DemoRegistrySummary {
    fn count(&mut self, batch: &Batch) {
        self.identifiers += batch.tables[IDENTIFIER].rows.len();
        self.relationships += batch.tables[RELATIONSHIP].rows.len();
        self.tokens += batch.tables[TOKEN].rows.len();
    }
}

/// The number of people `haven demo` makes unless told otherwise.
pub const DEMO_PEOPLE: usize = 5000;

/// People generated per transaction.
const PEOPLE_PER_TRANSACTION: usize = 5000;

impl Store {
    /// True when the registry already holds places or people: demo data is then not
    /// loaded, so that it never mixes with real records or runs twice.
    pub async fn has_registry_data(&self) -> Result<bool> {
        let count: i64 = on_pool!(&self.pool, pool => {
            sqlx::query_scalar(
                "SELECT (SELECT COUNT(*) FROM country) + (SELECT COUNT(*) FROM person)",
            )
            .fetch_one(pool)
            .await?
        });
        Ok(count > 0)
    }

    /// Loads demo places, staff and people into an empty registry, linking the demo
    /// accounts (when present) to staff members. Returns `None`, writing nothing, when
    /// the registry already holds data.
    pub async fn load_demo_registry(
        &self,
        options: &DemoRegistryOptions,
    ) -> Result<Option<DemoRegistrySummary>> {
        if self.has_registry_data().await? {
            return Ok(None);
        }
        let users: Vec<(String, Id)> = self
            .list_users()
            .await?
            .into_iter()
            .map(|user| (user.username, user.id))
            .collect();
        let mut generator = Generator::new(options);
        let mut summary = DemoRegistrySummary::default();

        let mut batch = Batch::default();
        generator.places(&mut batch, &mut summary);
        generator.staff(&mut batch, &users, &mut summary);
        summary.count(&batch);
        self.write_batch(&batch).await?;

        let mut made = 0;
        while made < options.people {
            let mut batch = Batch::default();
            let target = PEOPLE_PER_TRANSACTION.min(options.people - made);
            let people = generator.households(&mut batch, target);
            made += people;
            summary.count(&batch);
            self.write_batch(&batch).await?;
        }
        summary.people = made;

        let detail = format!(
            "seed={} people={} staff={} programmes={} facilities={} relationships={} identifiers={}",
            options.seed,
            summary.people,
            summary.staff,
            summary.programmes,
            summary.facilities,
            summary.relationships,
            summary.identifiers
        );
        on_pool!(&self.pool, pool => {
            let mut tx = pool.begin_write().await?;
            tx.append_audit(
                &Actor::system(),
                &NewAuditEvent::new("demo_data", "", "").with_detail(detail.clone()),
                Timestamp::now(),
            )
            .await?;
            tx.commit().await?;
        });
        Ok(Some(summary))
    }

    async fn write_batch(&self, batch: &Batch) -> Result<()> {
        let now = Timestamp::now();
        let site = self.site_id;
        let system = Id::SYSTEM;
        on_pool!(&self.pool, pool => {
            let mut tx = pool.begin_write().await?;
            for table in &batch.tables {
                if table.rows.is_empty() {
                    continue;
                }
                let record = table.entity.is_some();
                let width = table.columns.len() + if record { 6 } else { 0 };
                let per_statement = (30_000 / width).max(1);
                let mut columns = table.columns.join(", ");
                if record {
                    columns.push_str(", site_id, created_at, created_by, updated_at, updated_by, version");
                }
                for chunk in table.rows.chunks(per_statement) {
                    let mut insert = sqlx::QueryBuilder::new(format!(
                        "INSERT INTO {} ({columns}) ",
                        table.name
                    ));
                    insert.push_values(chunk, |mut row, values| {
                        for value in values {
                            match value {
                                Value::Text(text) => row.push_bind(text.clone()),
                                Value::Id(id) => row.push_bind(*id),
                                Value::OptId(id) => row.push_bind(*id),
                                Value::Date(date) => row.push_bind(*date),
                                Value::OptDate(date) => row.push_bind(*date),
                                Value::Real(real) => row.push_bind(*real),
                                Value::Int(int) => row.push_bind(*int),
                            };
                        }
                        if record {
                            row.push_bind(site)
                                .push_bind(now)
                                .push_bind(system)
                                .push_bind(now)
                                .push_bind(system)
                                .push_bind(1_i64);
                        }
                    });
                    insert.build().execute(&mut *tx).await?;
                }
                if let Some(entity) = table.entity {
                    for chunk in table.rows.chunks(5000) {
                        let mut log = sqlx::QueryBuilder::new(
                            "INSERT INTO change_log (entity, entity_id, version, site_id, changed_at, changed_by) ",
                        );
                        log.push_values(chunk, |mut row, values| {
                            let id = match values.first() {
                                Some(Value::Id(id)) => id.to_string(),
                                _ => String::new(),
                            };
                            row.push_bind(entity)
                                .push_bind(id)
                                .push_bind(1_i64)
                                .push_bind(site)
                                .push_bind(now)
                                .push_bind(system);
                        });
                        log.build().execute(&mut *tx).await?;
                    }
                }
            }
            tx.commit().await?;
        });
        Ok(())
    }
}

/// One cell of a row to insert.
#[derive(Clone, Debug)]
enum Value {
    Text(String),
    Id(Id),
    OptId(Option<Id>),
    Date(Date),
    OptDate(Option<Date>),
    Real(Option<f64>),
    Int(i64),
}

fn text(value: impl Into<String>) -> Value {
    Value::Text(value.into())
}

/// Rows for one table. A record table (`entity` set) gets the common columns and a
/// change-log row per row; its first column must be the id.
struct Table {
    name: &'static str,
    entity: Option<&'static str>,
    columns: &'static [&'static str],
    rows: Vec<Vec<Value>>,
}

/// Tables in the order they must be written (foreign keys).
struct Batch {
    tables: Vec<Table>,
}

const COUNTRY: usize = 0;
const PROGRAMME: usize = 1;
const FACILITY: usize = 2;
const WARD: usize = 3;
const BED: usize = 4;
const PERSON: usize = 5;
const IDENTIFIER: usize = 6;
const CATEGORY: usize = 7;
const RELATIONSHIP: usize = 8;
const TOKEN: usize = 9;
const STAFF: usize = 10;
const STAFF_FACILITY: usize = 11;
const TRAINING: usize = 12;

impl Default for Batch {
    fn default() -> Self {
        let table = |name, entity, columns| Table {
            name,
            entity,
            columns,
            rows: Vec::new(),
        };
        Batch {
            tables: vec![
                table(
                    "country",
                    Some("country"),
                    &["id", "code", "name", "name_km"],
                ),
                table(
                    "programme",
                    Some("programme"),
                    &[
                        "id",
                        "country_code",
                        "name",
                        "name_km",
                        "province_code",
                        "district",
                        "commune",
                        "village",
                        "latitude",
                        "longitude",
                    ],
                ),
                table(
                    "facility",
                    Some("facility"),
                    &[
                        "id",
                        "programme_id",
                        "kind",
                        "name",
                        "name_km",
                        "opened_on",
                        "catchment_population",
                    ],
                ),
                table("ward", Some("ward"), &["id", "facility_id", "name"]),
                table("bed", Some("bed"), &["id", "ward_id", "label"]),
                table(
                    "person",
                    Some("person"),
                    &[
                        "id",
                        "family_name_km",
                        "given_name_km",
                        "family_name_latin",
                        "given_name_latin",
                        "nicknames",
                        "sex",
                        "birth_date",
                        "birth_date_precision",
                        "phone",
                        "phone_key",
                        "province_code",
                        "district",
                        "commune",
                        "village",
                        "registered_facility_id",
                    ],
                ),
                table(
                    "person_identifier",
                    Some("person_identifier"),
                    &[
                        "id",
                        "person_id",
                        "kind",
                        "value",
                        "value_key",
                        "facility_id",
                    ],
                ),
                table(
                    "person_category",
                    Some("person_category"),
                    &["id", "person_id", "category"],
                ),
                table(
                    "person_relationship",
                    Some("person_relationship"),
                    &["id", "person_id", "related_person_id", "kind"],
                ),
                table("person_search_token", None, &["token", "person_id"]),
                table(
                    "staff_member",
                    Some("staff_member"),
                    &[
                        "id",
                        "person_id",
                        "profession",
                        "registration_number",
                        "registration_expires_on",
                        "user_id",
                        "started_on",
                    ],
                ),
                table(
                    "staff_facility",
                    Some("staff_facility"),
                    &["id", "staff_id", "facility_id"],
                ),
                table(
                    "training",
                    Some("training"),
                    &[
                        "id",
                        "staff_id",
                        "course",
                        "provider",
                        "started_on",
                        "ended_on",
                        "hours",
                        "certificate",
                    ],
                ),
            ],
        }
    }
}

impl Batch {
    fn add(&mut self, table: usize, row: Vec<Value>) {
        self.tables[table].rows.push(row);
    }
}

/// A name in both scripts, with romanisations people also write.
struct Name {
    latin: &'static str,
    km: &'static str,
    variants: &'static [&'static str],
}

const fn name(latin: &'static str, km: &'static str, variants: &'static [&'static str]) -> Name {
    Name {
        latin,
        km,
        variants,
    }
}

/// Family names, most common first.
const FAMILY_NAMES: &[Name] = &[
    name("Sok", "សុខ", &[]),
    name("Chan", "ចាន់", &[]),
    name("Kim", "គីម", &[]),
    name("Keo", "កែវ", &["Kaev"]),
    name("Heng", "ហេង", &[]),
    name("Ly", "លី", &["Lee"]),
    name("Meas", "មាស", &["Mias"]),
    name("Ouk", "អ៊ុក", &["Uk"]),
    name("Pich", "ពេជ្រ", &["Pech"]),
    name("Prak", "ប្រាក់", &[]),
    name("Seng", "សេង", &[]),
    name("Tep", "ទេព", &[]),
    name("Chea", "ជា", &["Chear"]),
    name("Hun", "ហ៊ុន", &[]),
    name("Mao", "ម៉ៅ", &["Mau"]),
    name("Phan", "ផាន", &[]),
    name("Ros", "រស់", &[]),
    name("Sao", "សៅ", &[]),
    name("Thach", "ថាច់", &[]),
    name("Yim", "យឹម", &[]),
    name("Nget", "ង៉ែត", &[]),
    name("Touch", "ទូច", &[]),
    name("Lim", "លឹម", &[]),
    name("Vann", "វ៉ាន់", &["Van"]),
    name("Chhim", "ឈឹម", &[]),
    name("Khiev", "ខៀវ", &[]),
    name("Nuon", "នួន", &[]),
    name("Long", "ឡុង", &[]),
    name("Pen", "ប៉ែន", &[]),
    name("San", "សាន", &[]),
];

const FEMALE_NAMES: &[Name] = &[
    name("Sokha", "សុខា", &["Sokhar", "Sokah"]),
    name("Chanthy", "ចន្ធី", &["Chanthi"]),
    name("Sreypov", "ស្រីពៅ", &["Srey Pov"]),
    name("Bopha", "បុប្ផា", &[]),
    name("Sophea", "សុភា", &["Sophia"]),
    name("Pisey", "ពិសី", &["Pisei"]),
    name("Channary", "ចាន់ណារី", &["Chanary"]),
    name("Phalla", "ផល្លា", &["Phala"]),
    name("Thida", "ធីតា", &["Thyda"]),
    name("Sreymom", "ស្រីមុំ", &["Srey Mom"]),
    name("Sopheap", "សុភាព", &[]),
    name("Mony", "មុន្នី", &["Monny"]),
    name("Leakhena", "លក្ខិណា", &[]),
    name("Kanha", "កញ្ញា", &[]),
    name("Nary", "ណារី", &[]),
    name("Rachana", "រចនា", &[]),
    name("Dany", "ដានី", &["Dani"]),
    name("Malis", "ម្លិះ", &[]),
    name("Kunthea", "គន្ធា", &[]),
    name("Chenda", "ចិន្តា", &[]),
    name("Sreynich", "ស្រីនិច", &["Srey Nich"]),
    name("Sokunthea", "សុគន្ធា", &[]),
];

const MALE_NAMES: &[Name] = &[
    name("Dara", "ដារ៉ា", &["Darah"]),
    name("Rithy", "រិទ្ធី", &["Rithi"]),
    name("Kosal", "កុសល", &[]),
    name("Visal", "វិសាល", &[]),
    name("Veasna", "វាសនា", &["Viasna"]),
    name("Samnang", "សំណាង", &[]),
    name("Vuthy", "វុទ្ធី", &["Vuthi"]),
    name("Vanna", "វណ្ណា", &["Wanna"]),
    name("Sokha", "សុខា", &["Sokhar"]),
    name("Piseth", "ពិសិដ្ឋ", &[]),
    name("Sovann", "សុវណ្ណ", &["Sovan"]),
    name("Vibol", "វិបុល", &[]),
    name("Rotha", "រដ្ឋា", &[]),
    name("Chantha", "ចន្ថា", &[]),
    name("Bunthoeun", "ប៊ុនធឿន", &["Bunthoen"]),
    name("Sophal", "សុផល", &[]),
    name("Makara", "មករា", &[]),
    name("Narith", "ណារិទ្ធ", &[]),
    name("Sambath", "សម្បត្តិ", &[]),
    name("Virak", "វីរៈ", &[]),
    name("Sothy", "សុធី", &[]),
];

const NICKNAMES: &[&str] = &["Pov", "Toch", "Thom", "Mey", "Nuch", "អាពៅ", "អាតូច", "Da"];

/// A programme of the demo: where it is and what it runs.
struct ProgrammePlace {
    name: &'static str,
    name_km: &'static str,
    province: &'static str,
    district: &'static str,
    commune: &'static str,
    village: &'static str,
    latitude: f64,
    longitude: f64,
    /// The facilities besides the medical centre: (kind, name).
    others: &'static [(&'static str, &'static str, &'static str)],
    /// Districts people of the programme live in.
    districts: &'static [&'static str],
}

const PROGRAMMES: &[ProgrammePlace] = &[
    ProgrammePlace {
        name: "SOS Phnom Penh",
        name_km: "អេសអូអេស ភ្នំពេញ",
        province: "KH-12",
        district: "Sen Sok",
        commune: "Phnom Penh Thmei",
        village: "Village 3",
        latitude: 11.5956,
        longitude: 104.8899,
        others: &[
            (
                "childrens_village",
                "SOS Children's Village Phnom Penh",
                "ភូមិកុមារ SOS ភ្នំពេញ",
            ),
            (
                "mother_child_clinic",
                "SOS Mother and Child Clinic Phnom Penh",
                "គ្លីនិកម្តាយនិងកុមារ SOS ភ្នំពេញ",
            ),
        ],
        districts: &[
            "Sen Sok",
            "Russey Keo",
            "Mean Chey",
            "Chbar Ampov",
            "Dangkao",
        ],
    },
    ProgrammePlace {
        name: "SOS Battambang",
        name_km: "អេសអូអេស បាត់ដំបង",
        province: "KH-2",
        district: "Battambang",
        commune: "Svay Por",
        village: "Prek Mohatep",
        latitude: 13.0957,
        longitude: 103.2022,
        others: &[(
            "childrens_village",
            "SOS Children's Village Battambang",
            "ភូមិកុមារ SOS បាត់ដំបង",
        )],
        districts: &["Battambang", "Sangkae", "Moung Ruessei", "Thma Koul"],
    },
    ProgrammePlace {
        name: "SOS Siem Reap",
        name_km: "អេសអូអេស សៀមរាប",
        province: "KH-17",
        district: "Siem Reap",
        commune: "Sala Kamraeuk",
        village: "Trapeang Ses",
        latitude: 13.3671,
        longitude: 103.8448,
        others: &[
            (
                "childrens_village",
                "SOS Children's Village Siem Reap",
                "ភូមិកុមារ SOS សៀមរាប",
            ),
            (
                "emergency_health_centre",
                "SOS Emergency Health Centre Siem Reap",
                "មជ្ឈមណ្ឌលសុខភាពបន្ទាន់ SOS សៀមរាប",
            ),
        ],
        districts: &["Siem Reap", "Puok", "Prasat Bakong", "Angkor Thom"],
    },
    ProgrammePlace {
        name: "SOS Kampot",
        name_km: "អេសអូអេស កំពត",
        province: "KH-7",
        district: "Kampot",
        commune: "Kampong Kandal",
        village: "Krang",
        latitude: 10.6104,
        longitude: 104.1815,
        others: &[(
            "family_strengthening_office",
            "SOS Family Strengthening Kampot",
            "ការិយាល័យពង្រឹងគ្រួសារ SOS កំពត",
        )],
        districts: &["Kampot", "Tuek Chhou", "Chhuk", "Dang Tong"],
    },
    ProgrammePlace {
        name: "SOS Kampong Cham",
        name_km: "អេសអូអេស កំពង់ចាម",
        province: "KH-3",
        district: "Kampong Cham",
        commune: "Boeng Kok",
        village: "Phum Ti Pir",
        latitude: 11.9934,
        longitude: 105.4635,
        others: &[
            (
                "family_strengthening_office",
                "SOS Family Strengthening Kampong Cham",
                "ការិយាល័យពង្រឹងគ្រួសារ SOS កំពង់ចាម",
            ),
            (
                "youth_facility",
                "SOS Youth House Kampong Cham",
                "ផ្ទះយុវជន SOS កំពង់ចាម",
            ),
        ],
        districts: &["Kampong Cham", "Kampong Siem", "Prey Chhor", "Cheung Prey"],
    },
];

const PHONE_PREFIXES: &[&str] = &[
    "12", "11", "17", "77", "78", "85", "89", "92", "96", "97", "98", "10", "15", "16", "69", "70",
    "81", "86", "87", "93", "61", "76", "88", "95",
];

const COURSES: &[(&str, &str)] = &[
    (
        "Integrated Management of Childhood Illness",
        "Ministry of Health",
    ),
    ("Emergency Triage Assessment and Treatment", "WHO"),
    ("Child safeguarding", "SOS Children's Villages"),
    ("Helping Babies Breathe", "American Academy of Pediatrics"),
    ("First aid", "Cambodian Red Cross"),
    ("Infection prevention and control", "Ministry of Health"),
];

/// A facility made by the generator, for placing staff and people.
#[derive(Clone)]
struct PlacedFacility {
    id: Id,
    kind: &'static str,
    programme: usize,
}

/// One person to write.
struct NewPerson {
    id: Id,
    family: &'static Name,
    given: &'static Name,
    sex: &'static str,
    born: Date,
    facility: usize,
}

struct Generator {
    rng: StdRng,
    today: Date,
    facilities: Vec<PlacedFacility>,
    haven_numbers: HashSet<u64>,
    serial: u64,
}

impl Generator {
    fn new(options: &DemoRegistryOptions) -> Generator {
        Generator {
            rng: StdRng::seed_from_u64(options.seed),
            today: options.today,
            facilities: Vec::new(),
            haven_numbers: HashSet::new(),
            serial: 0,
        }
    }

    fn next_serial(&mut self) -> u64 {
        self.serial += 1;
        self.serial
    }

    fn places(&mut self, batch: &mut Batch, summary: &mut DemoRegistrySummary) {
        batch.add(
            COUNTRY,
            vec![
                Value::Id(Id::new()),
                text("KH"),
                text("Cambodia"),
                text("កម្ពុជា"),
            ],
        );
        // The national office is a programme of its own in Phnom Penh.
        let national = Id::new();
        batch.add(
            PROGRAMME,
            vec![
                Value::Id(national),
                text("KH"),
                text("SOS Children's Villages Cambodia, National Office"),
                text("ការិយាល័យជាតិ ភូមិកុមារ SOS កម្ពុជា"),
                text("KH-12"),
                text("Chamkar Mon"),
                text("Tonle Basak"),
                text("Village 1"),
                Value::Real(Some(11.5449)),
                Value::Real(Some(104.9282)),
            ],
        );
        let office = Id::new();
        self.facility(
            batch,
            office,
            national,
            "national_office",
            "SOS Cambodia National Office",
            "ការិយាល័យជាតិ SOS កម្ពុជា",
        );
        self.facilities.push(PlacedFacility {
            id: office,
            kind: "national_office",
            programme: 0,
        });
        for (index, place) in PROGRAMMES.iter().enumerate() {
            let programme = Id::new();
            batch.add(
                PROGRAMME,
                vec![
                    Value::Id(programme),
                    text("KH"),
                    text(place.name),
                    text(place.name_km),
                    text(place.province),
                    text(place.district),
                    text(place.commune),
                    text(place.village),
                    Value::Real(Some(place.latitude)),
                    Value::Real(Some(place.longitude)),
                ],
            );
            let town = place.name.trim_start_matches("SOS ");
            let centre = Id::new();
            self.facility(
                batch,
                centre,
                programme,
                "medical_centre",
                &format!("SOS Medical Centre {town}"),
                &format!(
                    "មណ្ឌលវេជ្ជសាស្ត្រ SOS {}",
                    place.name_km.trim_start_matches("អេសអូអេស ")
                ),
            );
            self.facilities.push(PlacedFacility {
                id: centre,
                kind: "medical_centre",
                programme: index,
            });
            for ward_name in ["General ward", "Maternity ward", "Paediatric ward"] {
                let ward = Id::new();
                batch.add(
                    WARD,
                    vec![Value::Id(ward), Value::Id(centre), text(ward_name)],
                );
                for bed in 1..=6 {
                    batch.add(
                        BED,
                        vec![
                            Value::Id(Id::new()),
                            Value::Id(ward),
                            text(format!("{}{bed}", &ward_name[..1])),
                        ],
                    );
                }
            }
            for (kind, name, name_km) in place.others {
                let id = Id::new();
                self.facility(batch, id, programme, kind, name, name_km);
                self.facilities.push(PlacedFacility {
                    id,
                    kind,
                    programme: index,
                });
            }
        }
        summary.programmes = PROGRAMMES.len();
        summary.facilities = self.facilities.len();
    }

    fn facility(
        &mut self,
        batch: &mut Batch,
        id: Id,
        programme: Id,
        kind: &str,
        name: &str,
        name_km: &str,
    ) {
        let opened = self.today - Duration::days(self.rng.gen_range(2000..9000));
        batch.add(
            FACILITY,
            vec![
                Value::Id(id),
                Value::Id(programme),
                text(kind),
                text(name),
                text(name_km),
                Value::OptDate(Some(opened)),
                Value::Int(self.rng.gen_range(5_000..80_000)),
            ],
        );
    }

    fn staff(
        &mut self,
        batch: &mut Batch,
        users: &[(String, Id)],
        summary: &mut DemoRegistrySummary,
    ) {
        // The demo accounts: username, family and given name (latin, Khmer), sex,
        // profession, which facility kind.
        const LINKED: &[(&str, usize, usize, &str, &str, &str)] = &[
            ("admin", 0, 0, "male", "administrator", "national_office"),
            ("doctor", 0, 0, "female", "doctor", "medical_centre"),
            (
                "nurse",
                1,
                1,
                "female",
                "registered_nurse",
                "medical_centre",
            ),
            ("midwife", 0, 2, "female", "midwife", "mother_child_clinic"),
            (
                "labtech",
                23,
                11,
                "male",
                "laboratory_technician",
                "medical_centre",
            ),
            (
                "pharmacist",
                3,
                13,
                "female",
                "pharmacist",
                "medical_centre",
            ),
            ("clerk", 22, 12, "female", "records_clerk", "medical_centre"),
            (
                "sosmother",
                14,
                4,
                "female",
                "sos_parent",
                "childrens_village",
            ),
            (
                "aunt",
                20,
                3,
                "female",
                "family_assistant",
                "childrens_village",
            ),
            (
                "careworker",
                4,
                1,
                "male",
                "care_worker",
                "childrens_village",
            ),
            (
                "socialworker",
                15,
                9,
                "female",
                "social_worker",
                "family_strengthening_office",
            ),
            ("director", 12, 6, "male", "director", "childrens_village"),
            (
                "safeguarding",
                7,
                20,
                "male",
                "social_worker",
                "national_office",
            ),
            (
                "promoter",
                21,
                14,
                "female",
                "health_promotion_officer",
                "medical_centre",
            ),
            ("meofficer", 13, 15, "male", "me_officer", "national_office"),
            ("natdirector", 8, 10, "male", "director", "national_office"),
        ];
        let mut count = 0;
        for (username, family, given, sex, profession, kind) in LINKED {
            let user = users
                .iter()
                .find(|(name, _)| name == username)
                .map(|(_, id)| *id);
            let facility = self
                .facilities
                .iter()
                .position(|f| f.kind == *kind)
                .unwrap_or(0);
            let given_names = if *sex == "female" {
                FEMALE_NAMES
            } else {
                MALE_NAMES
            };
            let given = &given_names[*given % given_names.len()];
            self.staff_member(
                batch,
                &FAMILY_NAMES[*family],
                given,
                sex,
                profession,
                facility,
                user,
            );
            count += 1;
        }
        // Staff at every facility, by what the facility does.
        let facilities = self.facilities.clone();
        for (index, facility) in facilities.iter().enumerate() {
            let professions: &[(&str, usize)] = match facility.kind {
                "medical_centre" => &[
                    ("doctor", 5),
                    ("registered_nurse", 10),
                    ("midwife", 3),
                    ("laboratory_technician", 2),
                    ("pharmacist", 2),
                    ("records_clerk", 2),
                    ("health_promotion_officer", 1),
                    ("other", 1),
                ],
                "mother_child_clinic" => &[("midwife", 4), ("registered_nurse", 3), ("doctor", 1)],
                "emergency_health_centre" => &[("doctor", 2), ("registered_nurse", 5)],
                "childrens_village" => &[
                    ("sos_parent", 10),
                    ("family_assistant", 4),
                    ("care_worker", 3),
                    ("teacher", 3),
                    ("social_worker", 1),
                    ("director", 1),
                ],
                "family_strengthening_office" => {
                    &[("social_worker", 5), ("care_worker", 2), ("director", 1)]
                }
                "youth_facility" => &[("care_worker", 3), ("teacher", 1)],
                _ => &[("me_officer", 2), ("administrator", 2), ("director", 1)],
            };
            for (profession, how_many) in professions {
                for _ in 0..*how_many {
                    let sex =
                        if matches!(*profession, "sos_parent" | "midwife" | "family_assistant")
                            || self.rng.gen_bool(0.5)
                        {
                            "female"
                        } else {
                            "male"
                        };
                    let family = self.pick(FAMILY_NAMES);
                    let given = self.pick(if sex == "female" {
                        FEMALE_NAMES
                    } else {
                        MALE_NAMES
                    });
                    self.staff_member(batch, family, given, sex, profession, index, None);
                    count += 1;
                }
            }
        }
        summary.staff = count;
    }

    #[allow(clippy::too_many_arguments)]
    fn staff_member(
        &mut self,
        batch: &mut Batch,
        family: &'static Name,
        given: &'static Name,
        sex: &'static str,
        profession: &str,
        facility: usize,
        user: Option<Id>,
    ) {
        let years: i64 = self.rng.gen_range(22..60);
        let born = self.today - Duration::days(years * 365 + self.rng.gen_range(0..365));
        let person = NewPerson {
            id: Id::new(),
            family,
            given,
            sex,
            born,
            facility,
        };
        self.person(batch, &person, &["sos_staff"]);
        let staff = Id::new();
        let (number, expires) = if matches!(profession, "doctor" | "registered_nurse" | "midwife") {
            let letter = match profession {
                "doctor" => "D",
                "registered_nurse" => "N",
                _ => "M",
            };
            let serial = self.next_serial();
            // One in six registrations runs out within 90 days.
            let days = if self.rng.gen_ratio(1, 6) {
                self.rng.gen_range(1..90)
            } else {
                self.rng.gen_range(120..1100)
            };
            (
                format!("MOH-{letter}-{:05}", 10_000 + serial),
                Some(self.today + Duration::days(days)),
            )
        } else {
            (String::new(), None)
        };
        let started = self.today - Duration::days(self.rng.gen_range(30..5000));
        batch.add(
            STAFF,
            vec![
                Value::Id(staff),
                Value::Id(person.id),
                text(profession),
                text(number),
                Value::OptDate(expires),
                Value::OptId(user),
                Value::OptDate(Some(started)),
            ],
        );
        batch.add(
            STAFF_FACILITY,
            vec![
                Value::Id(Id::new()),
                Value::Id(staff),
                Value::Id(self.facilities[facility].id),
            ],
        );
        for _ in 0..self.rng.gen_range(0..3) {
            let (course, provider) = COURSES[self.rng.gen_range(0..COURSES.len())];
            let start = self.today - Duration::days(self.rng.gen_range(10..2000));
            let days = self.rng.gen_range(1..6);
            batch.add(
                TRAINING,
                vec![
                    Value::Id(Id::new()),
                    Value::Id(staff),
                    text(course),
                    text(provider),
                    Value::Date(start),
                    Value::Date(start + Duration::days(days - 1)),
                    Value::Real(Some(days as f64 * 7.0)),
                    text(format!("CERT-{:06}", self.next_serial())),
                ],
            );
        }
    }

    /// Makes households until `target` people are made; returns how many.
    fn households(&mut self, batch: &mut Batch, target: usize) -> usize {
        let mut made = 0;
        while made < target {
            let left = target - made;
            let roll = self.rng.gen_range(0..100);
            let village = self
                .facilities
                .iter()
                .enumerate()
                .filter(|(_, f)| f.kind == "childrens_village")
                .map(|(i, _)| i)
                .collect::<Vec<_>>();
            made += if roll < 12 && left >= 3 && !village.is_empty() {
                let facility = village[self.rng.gen_range(0..village.len())];
                self.sos_family(batch, facility, left)
            } else if roll < 25 {
                let facility = self.any_facility();
                let sex = if self.rng.gen_bool(0.55) {
                    "female"
                } else {
                    "male"
                };
                let person = self.new_person(sex, 18, 95, facility, None);
                self.person(batch, &person, &["community_member"]);
                1
            } else {
                let facility = self.any_facility();
                self.family(batch, facility, left)
            };
        }
        made
    }

    fn any_facility(&mut self) -> usize {
        // People register at a programme's facilities, never at the national office.
        self.rng.gen_range(1..self.facilities.len())
    }

    fn family(&mut self, batch: &mut Batch, facility: usize, left: usize) -> usize {
        let mother_age = self.rng.gen_range(20..50);
        let mother = self.new_person("female", mother_age, mother_age, facility, None);
        let category = if self.facilities[facility].kind == "family_strengthening_office" {
            "family_strengthening"
        } else {
            "community_member"
        };
        self.person(batch, &mother, &[category]);
        let mut made = 1;
        let father = if left > 1 && self.rng.gen_ratio(3, 4) {
            let age = mother_age + self.rng.gen_range(0..8);
            let father = self.new_person("male", age, age, facility, None);
            self.person(batch, &father, &[category]);
            self.relationship(batch, mother.id, father.id, "spouse");
            made += 1;
            Some(father)
        } else {
            None
        };
        let family = father
            .as_ref()
            .map_or(mother.family, |father| father.family);
        let children = self.rng.gen_range(0..6).min(left - made);
        let oldest = (mother_age - 17).clamp(0, 17);
        let mut siblings: Vec<Id> = Vec::new();
        for _ in 0..children {
            let sex = if self.rng.gen_bool(0.5) {
                "female"
            } else {
                "male"
            };
            let child = self.new_person(sex, 0, oldest, facility, Some(family));
            self.person(batch, &child, &[category]);
            self.relationship(batch, child.id, mother.id, "mother");
            if let Some(father) = &father {
                self.relationship(batch, child.id, father.id, "father");
            }
            for sibling in &siblings {
                self.relationship(batch, child.id, *sibling, "sibling");
            }
            siblings.push(child.id);
            made += 1;
        }
        made
    }

    fn sos_family(&mut self, batch: &mut Batch, facility: usize, left: usize) -> usize {
        let age = self.rng.gen_range(30..56);
        let parent = self.new_person("female", age, age, facility, None);
        self.person(batch, &parent, &["sos_caregiver"]);
        let mut made = 1;
        let children = self.rng.gen_range(3..9).min(left - made);
        // Children arrive in groups of biological siblings, who share a family name.
        let mut group: Vec<Id> = Vec::new();
        let mut family = self.pick(FAMILY_NAMES);
        for _ in 0..children {
            if group.is_empty() || self.rng.gen_ratio(1, 2) {
                group.clear();
                family = self.pick(FAMILY_NAMES);
            }
            let sex = if self.rng.gen_bool(0.5) {
                "female"
            } else {
                "male"
            };
            let child = self.new_person(sex, 0, 17, facility, Some(family));
            self.person(batch, &child, &["sos_child"]);
            let number = format!(
                "SOS-{}-{:05}",
                PROGRAMMES[self.facilities[facility].programme]
                    .province
                    .trim_start_matches("KH-"),
                self.next_serial()
            );
            self.identifier(batch, child.id, "sos_child_number", &number, Some(facility));
            self.relationship(batch, child.id, parent.id, "sos_parent");
            for sibling in &group {
                self.relationship(batch, child.id, *sibling, "sibling");
            }
            group.push(child.id);
            made += 1;
        }
        made
    }

    fn new_person(
        &mut self,
        sex: &'static str,
        youngest: i64,
        oldest: i64,
        facility: usize,
        family: Option<&'static Name>,
    ) -> NewPerson {
        let years = self.rng.gen_range(youngest..=oldest.max(youngest));
        let days = years * 365 + self.rng.gen_range(0..365);
        NewPerson {
            id: Id::new(),
            family: family.unwrap_or_else(|| self.pick(FAMILY_NAMES)),
            given: self.pick(if sex == "female" {
                FEMALE_NAMES
            } else {
                MALE_NAMES
            }),
            sex,
            born: self.today - Duration::days(days),
            facility,
        }
    }

    /// Picks a name, common names more often (the lower of two draws).
    fn pick(&mut self, names: &'static [Name]) -> &'static Name {
        let a = self.rng.gen_range(0..names.len());
        let b = self.rng.gen_range(0..names.len());
        &names[a.min(b)]
    }

    fn variant(&mut self, name: &'static Name) -> &'static str {
        if !name.variants.is_empty() && self.rng.gen_ratio(1, 8) {
            name.variants[self.rng.gen_range(0..name.variants.len())]
        } else {
            name.latin
        }
    }

    /// Writes a person with a Haven number, perhaps other identifiers and a phone,
    /// their categories and their search tokens.
    fn person(&mut self, batch: &mut Batch, person: &NewPerson, categories: &[&str]) {
        let age = (self.today - person.born).whole_days() / 365;
        let place = self.facilities[person.facility].clone();
        let programme = &PROGRAMMES[place.programme];
        let facility_id = place.id;
        // Some people are registered with one script only.
        let script = self.rng.gen_range(0..20);
        let (family_km, given_km) = if script == 0 {
            ("", "")
        } else {
            (person.family.km, person.given.km)
        };
        let (family_latin, given_latin) = if script == 1 {
            ("", "")
        } else {
            (self.variant(person.family), self.variant(person.given))
        };
        let nickname = if self.rng.gen_ratio(1, 10) {
            NICKNAMES[self.rng.gen_range(0..NICKNAMES.len())]
        } else {
            ""
        };
        let (born, precision) = match self.rng.gen_range(0..100) {
            0..80 => (person.born, "exact"),
            80..88 => (person.born.replace_day(15).unwrap_or(person.born), "month"),
            88..95 => (
                Date::from_calendar_date(person.born.year(), time::Month::July, 1)
                    .unwrap_or(person.born),
                "year",
            ),
            _ => (person.born, "estimated"),
        };
        let born = born.min(self.today);
        let (phone, phone_digits) = if age >= 16 && self.rng.gen_ratio(7, 10) {
            let prefix = PHONE_PREFIXES[self.rng.gen_range(0..PHONE_PREFIXES.len())];
            let number: u32 = self.rng.gen_range(100_000..1_000_000);
            let number = number.to_string();
            let written = if self.rng.gen_ratio(1, 4) {
                format!("+855 {prefix} {} {}", &number[..3], &number[3..])
            } else {
                format!("0{prefix} {} {}", &number[..3], &number[3..])
            };
            let key = phone_key(&written);
            (written, key)
        } else {
            (String::new(), String::new())
        };
        let district = programme.districts[self.rng.gen_range(0..programme.districts.len())];
        batch.add(
            PERSON,
            vec![
                Value::Id(person.id),
                text(family_km),
                text(given_km),
                text(family_latin),
                text(given_latin),
                text(nickname),
                text(person.sex),
                Value::Date(born),
                text(precision),
                text(phone),
                text(phone_digits.clone()),
                text(programme.province),
                text(district),
                text(format!("{district} commune {}", self.rng.gen_range(1..6))),
                text(format!("Village {}", self.rng.gen_range(1..12))),
                Value::OptId(Some(facility_id)),
            ],
        );
        for category in categories {
            batch.add(
                CATEGORY,
                vec![Value::Id(Id::new()), Value::Id(person.id), text(*category)],
            );
        }
        let mut keys = Vec::new();
        let haven = loop {
            let number = HavenNumber::from_random(self.rng.gen());
            let formatted = number.formatted();
            if self
                .haven_numbers
                .insert(identifier_key(&formatted).parse().unwrap_or(0))
            {
                break formatted;
            }
        };
        keys.push(self.identifier_row(batch, person.id, "haven", &haven, None));
        if age >= 18 && self.rng.gen_ratio(1, 2) {
            let value = format!("{:09}", 100_000_000 + self.next_serial() * 7);
            keys.push(self.identifier_row(batch, person.id, "national_id", &value, None));
        }
        if age < 18 && self.rng.gen_ratio(1, 3) {
            let value = format!(
                "BC-{}-{}-{:06}",
                programme.province.trim_start_matches("KH-"),
                born.year(),
                self.next_serial()
            );
            keys.push(self.identifier_row(batch, person.id, "birth_certificate", &value, None));
        }
        if self.rng.gen_ratio(1, 7) {
            let value = format!("IDP-{:07}", self.next_serial());
            keys.push(self.identifier_row(batch, person.id, "id_poor", &value, None));
        }
        if place.kind == "medical_centre" && self.rng.gen_ratio(1, 2) {
            let value = format!(
                "MR-{}-{:06}",
                programme.province.trim_start_matches("KH-"),
                self.next_serial()
            );
            keys.push(self.identifier_row(
                batch,
                person.id,
                "medical_record",
                &value,
                Some(facility_id),
            ));
        }
        let tokens = person_tokens(&PersonTokenInput {
            family_km,
            given_km,
            family_latin,
            given_latin,
            other_names: "",
            nicknames: nickname,
            phone_key: &phone_digits,
            identifier_keys: &keys,
        });
        for token in tokens {
            batch.add(TOKEN, vec![Value::Text(token), Value::Id(person.id)]);
        }
    }

    /// Adds an identifier row and returns its key.
    fn identifier_row(
        &mut self,
        batch: &mut Batch,
        person: Id,
        kind: &str,
        value: &str,
        facility: Option<Id>,
    ) -> String {
        let key = identifier_key(value);
        batch.add(
            IDENTIFIER,
            vec![
                Value::Id(Id::new()),
                Value::Id(person),
                text(kind),
                text(value),
                text(key.clone()),
                Value::OptId(facility),
            ],
        );
        key
    }

    /// An identifier given after the person's tokens were made: adds its token too.
    fn identifier(
        &mut self,
        batch: &mut Batch,
        person: Id,
        kind: &str,
        value: &str,
        facility: Option<usize>,
    ) {
        let facility = facility.map(|f| self.facilities[f].id);
        let key = self.identifier_row(batch, person, kind, value, facility);
        batch.add(
            TOKEN,
            vec![
                Value::Text(format!("{}{key}", haven_domain::search::IDENTIFIER)),
                Value::Id(person),
            ],
        );
    }

    fn relationship(&mut self, batch: &mut Batch, person: Id, related: Id, kind: &str) {
        batch.add(
            RELATIONSHIP,
            vec![
                Value::Id(Id::new()),
                Value::Id(person),
                Value::Id(related),
                text(kind),
            ],
        );
    }
}
