//! The pharmacy: prescriptions to dispense, dispensing, stock by batch, receipts,
//! issues, adjustments and counts, movements and warnings.
//!
//! Reading a facility's pharmacy needs `Read Medicines` and the facility in read
//! reach (else not found); changing its stock or dispensing needs `Write Medicines`
//! and the facility in WRITE reach too (else beyond the caller's scope).

use haven_domain::clinic::medicines::{Receipt, Shortfall, StockChange};
use haven_domain::Kind;
use haven_store::clinic::{
    DispenseOutcome, FormToken, MovementRow, PrescriptionRow, StockBatch, StockWarnings,
};
use haven_store::{Facility, Id, Person};

use crate::{App, AppError, Caller, Result};

/// A prescription waiting at the pharmacy, with its patient and the usable stock
/// of its medicine.
#[derive(Clone, Debug)]
pub struct WaitingPrescription {
    pub prescription: PrescriptionRow,
    pub patient: Person,
    /// The units of the medicine in stock and not expired.
    pub available: i64,
}

/// A facility's dispensary: what waits to be dispensed, and the stock warnings.
#[derive(Clone, Debug)]
pub struct Dispensary {
    pub facility: Facility,
    pub waiting: Vec<WaitingPrescription>,
    pub warnings: StockWarnings,
}

/// What a change of a batch did.
#[derive(Clone, Debug)]
pub enum StockChanged {
    /// Changed: the batch as it is now.
    Changed(StockBatch),
    /// Not written: it would take the batch below zero; the units available.
    NotEnough(Shortfall),
}

impl App {
    /// The open clinical facilities whose pharmacy the caller reads, each with how
    /// many prescriptions wait to be dispensed.
    pub async fn pharmacy_home(&self, caller: &Caller) -> Result<Vec<(Facility, i64)>> {
        let (_, facilities) = self.clinic_facilities(caller, Kind::Medicines).await?;
        let mut out = Vec::new();
        for facility in facilities {
            let waiting = self
                .store()
                .prescriptions_to_dispense(facility.id)
                .await?
                .len() as i64;
            out.push((facility, waiting));
        }
        Ok(out)
    }

    /// A facility's dispensary on `today`, for a caller who reads its medicines.
    pub async fn dispensary(
        &self,
        caller: &Caller,
        facility: Id,
        today: time::Date,
    ) -> Result<Dispensary> {
        let (_, facility) = self
            .clinic_facility(caller, Kind::Medicines, facility)
            .await?;
        let store = self.store();
        let mut waiting = Vec::new();
        for prescription in store.prescriptions_to_dispense(facility.id).await? {
            let patient = store.person(prescription.person_id).await?;
            let available = store
                .usable_stock(facility.id, &prescription.medicine_code, today)
                .await?;
            waiting.push(WaitingPrescription {
                prescription,
                patient,
                available,
            });
        }
        let warnings = store.stock_warnings(facility.id, today).await?;
        Ok(Dispensary {
            facility,
            waiting,
            warnings,
        })
    }

    /// A facility's prescriptions still to dispense, for a caller who reads its
    /// medicines.
    pub async fn prescriptions_to_dispense(
        &self,
        caller: &Caller,
        facility: Id,
    ) -> Result<Vec<PrescriptionRow>> {
        let (_, facility) = self
            .clinic_facility(caller, Kind::Medicines, facility)
            .await?;
        Ok(self.store().prescriptions_to_dispense(facility.id).await?)
    }

    /// A facility's near-expiry batches and medicines low in stock on `today`, for a
    /// caller who reads its medicines.
    pub async fn stock_warnings(
        &self,
        caller: &Caller,
        facility: Id,
        today: time::Date,
    ) -> Result<StockWarnings> {
        let (_, facility) = self
            .clinic_facility(caller, Kind::Medicines, facility)
            .await?;
        Ok(self.store().stock_warnings(facility.id, today).await?)
    }

    /// A facility's batches with stock in them, for a caller who reads its medicines.
    pub async fn facility_stock(
        &self,
        caller: &Caller,
        facility: Id,
    ) -> Result<(Facility, Vec<StockBatch>)> {
        let (_, facility) = self
            .clinic_facility(caller, Kind::Medicines, facility)
            .await?;
        let batches = self.store().stock_of(facility.id, false).await?;
        Ok((facility, batches))
    }

    /// A facility's latest `limit` stock movements (1 to 1000), newest first, for a
    /// caller who reads its medicines.
    pub async fn stock_movements(
        &self,
        caller: &Caller,
        facility: Id,
        limit: i64,
    ) -> Result<Vec<MovementRow>> {
        let (_, facility) = self
            .clinic_facility(caller, Kind::Medicines, facility)
            .await?;
        Ok(self.store().stock_movements(facility.id, limit).await?)
    }

    /// A batch of stock the caller reads (`Read Medicines`, in read reach), or not
    /// found.
    pub async fn stock_batch_to_read(&self, caller: &Caller, id: Id) -> Result<StockBatch> {
        caller.require(haven_domain::Action::Read, Kind::Medicines)?;
        let viewer = self.clinic_viewer(caller, Kind::Medicines).await?;
        let batch = self.store().stock_batch(id).await?;
        if !viewer.reaches(batch.facility_id) {
            return Err(AppError::NotFound { entity: "batch" });
        }
        Ok(batch)
    }

    /// Receives a batch into the stock of a facility in the caller's WRITE reach. A
    /// batch number received before with another expiry date is a duplicate.
    pub async fn receive_stock(
        &self,
        caller: &Caller,
        facility: Id,
        receipt: &Receipt,
        token: Option<&FormToken>,
    ) -> Result<Id> {
        let (_, facility) = self.pharmacy_to_write(caller, facility).await?;
        Ok(self
            .store()
            .receive_stock(&caller.actor(), facility.id, receipt, token)
            .await?)
    }

    /// Issues, adjusts or counts a batch in the caller's WRITE reach, naming the
    /// version read (stale: a conflict). Taking it below zero writes nothing.
    pub async fn change_stock(
        &self,
        caller: &Caller,
        batch: Id,
        version: i64,
        change: &StockChange,
    ) -> Result<StockChanged> {
        let (batch, _) = self.stock_batch_to_change(caller, batch).await?;
        let store = self.store();
        match store
            .change_stock(&caller.actor(), batch.id, version, change)
            .await?
        {
            Ok(()) => Ok(StockChanged::Changed(store.stock_batch(batch.id).await?)),
            Err(shortfall) => Ok(StockChanged::NotEnough(shortfall)),
        }
    }

    /// Dispenses `quantity` units against a prescription at a facility in the
    /// caller's WRITE reach, first expiry first out, on `today`. More than the
    /// usable stock, or than remains prescribed, writes nothing and says so.
    pub async fn dispense(
        &self,
        caller: &Caller,
        prescription: Id,
        quantity: i64,
        today: time::Date,
        token: Option<&FormToken>,
    ) -> Result<DispenseOutcome> {
        let (viewer, prescription, _) = self.prescription_to_dispense(caller, prescription).await?;
        Ok(self
            .store()
            .dispense(
                &caller.actor(),
                &viewer,
                prescription.id,
                quantity,
                today,
                token,
            )
            .await?)
    }
}
