//! Companies: create, update, fetch and search; a `ref` is unique per API key.

use super::{Store, require};
use crate::mock::error::{ApiError, ApiResult};
use crate::mock::ids::ksuid;
use crate::mock::model::*;

impl Store {
    pub fn create_company(
        &mut self,
        owner: &str,
        body: NewCompany,
        now: i64,
    ) -> ApiResult<Company> {
        require(&body.name, "name")?;
        self.room(self.companies.len(), "companies")?;
        let reference = body.reference.unwrap_or_default();
        self.check_ref(owner, &reference, None)?;
        let company = Company {
            company_id: ksuid(),
            owner: owner.to_string(),
            name: body.name,
            city: body.city,
            country: body.country,
            domain: body.domain,
            reference,
            created: now,
        };
        if !company.reference.is_empty() {
            self.refs.insert(
                (owner.to_string(), company.reference.clone()),
                company.company_id.clone(),
            );
        }
        self.companies
            .insert(company.company_id.clone(), company.clone());
        Ok(company)
    }

    fn check_ref(&self, owner: &str, reference: &str, except: Option<&str>) -> ApiResult<()> {
        if reference.is_empty() {
            return Ok(());
        }
        match self.refs.get(&(owner.to_string(), reference.to_string())) {
            Some(id) if Some(id.as_str()) != except => Err(ApiError::conflict(format!(
                "ref {reference:?} is already used by company {id}: each company needs its own ref"
            ))),
            _ => Ok(()),
        }
    }

    /// PUT replaces the company's fields; a `ref` left out keeps the current one.
    pub fn update_company(
        &mut self,
        owner: &str,
        company_id: &str,
        body: NewCompany,
    ) -> ApiResult<Company> {
        self.company(owner, company_id)?;
        require(&body.name, "name")?;
        let new_ref = body.reference;
        if let Some(r) = &new_ref {
            self.check_ref(owner, r, Some(company_id))?;
        }
        let company = self.companies.get_mut(company_id).expect("checked above");
        if let Some(r) = new_ref
            && r != company.reference
        {
            self.refs
                .remove(&(owner.to_string(), company.reference.clone()));
            if !r.is_empty() {
                self.refs
                    .insert((owner.to_string(), r.clone()), company_id.to_string());
            }
            company.reference = r;
        }
        company.name = body.name;
        company.city = body.city;
        company.country = body.country;
        company.domain = body.domain;
        Ok(company.clone())
    }

    pub fn company(&self, owner: &str, company_id: &str) -> ApiResult<&Company> {
        match self.companies.get(company_id) {
            Some(c) if c.owner == owner => Ok(c),
            _ => Err(ApiError::not_found(format!(
                "no company {company_id} for this API key"
            ))),
        }
    }

    /// Companies whose name or domain contains `query` (any case); all of them for "".
    pub fn search_companies(&self, owner: &str, query: &str) -> Vec<&Company> {
        let q = query.to_lowercase();
        self.companies
            .values()
            .filter(|c| c.owner == owner)
            .filter(|c| {
                q.is_empty()
                    || c.name.to_lowercase().contains(&q)
                    || c.domain.to_lowercase().contains(&q)
            })
            .collect()
    }
}
