//! Core clients and their actions: create and list clients, list pending actions, and
//! approve or reject one (which moves its transfer along).

use super::{Store, require};
use crate::mock::error::{ApiError, ApiResult};
use crate::mock::ids::base58_id;
use crate::mock::model::*;

impl Store {
    pub fn create_coreclient(
        &mut self,
        owner: &str,
        body: NewCoreClient,
        now: i64,
    ) -> ApiResult<CoreClient> {
        require(&body.name, "name")?;
        self.room(self.coreclients.len(), "core clients")?;
        let client = CoreClient {
            id: base58_id(),
            owner: owner.to_string(),
            name: body.name,
            created: now,
        };
        self.coreclients.insert(client.id.clone(), client.clone());
        Ok(client)
    }

    pub fn coreclients(&self, owner: &str) -> Vec<&CoreClient> {
        self.coreclients
            .values()
            .filter(|c| c.owner == owner)
            .collect()
    }

    pub fn coreclient(&self, owner: &str, client_id: &str) -> ApiResult<&CoreClient> {
        match self.coreclients.get(client_id) {
            Some(c) if c.owner == owner => Ok(c),
            _ => Err(ApiError::not_found(format!(
                "no core client {client_id} for this API key: create one with POST /coreclient"
            ))),
        }
    }

    /// Actions still waiting for this client, oldest first.
    pub fn pending_actions(
        &self,
        owner: &str,
        client_id: &str,
        now: i64,
    ) -> ApiResult<Vec<&Action>> {
        self.coreclient(owner, client_id)?;
        Ok(self
            .actions
            .values()
            .filter(|a| a.client_id == client_id && a.status_at(now) == "pending")
            .collect())
    }

    pub fn action(&self, owner: &str, client_id: &str, action_id: &str) -> ApiResult<&Action> {
        self.coreclient(owner, client_id)?;
        match self.actions.get(action_id) {
            Some(a) if a.client_id == client_id => Ok(a),
            _ => Err(ApiError::not_found(format!(
                "no action {action_id} for core client {client_id}"
            ))),
        }
    }

    /// Approves or rejects a pending action, and moves its transfer along.
    pub fn decide_action(
        &mut self,
        owner: &str,
        client_id: &str,
        action_id: &str,
        approve: bool,
        now: i64,
    ) -> ApiResult<(Action, Option<Transfer>)> {
        let status = self
            .action(owner, client_id, action_id)?
            .status_at(now)
            .to_string();
        if status != "pending" {
            return Err(ApiError::conflict(format!(
                "action {action_id} is already {status}: only pending actions can be approved or rejected"
            )));
        }
        let action = self.actions.get_mut(action_id).expect("checked above");
        action.status = if approve { "approved" } else { "rejected" }.into();
        let action = action.clone();
        let transfer = self.transfers.get_mut(&action.tx_id).map(|tx| {
            if tx.status_at(now) == "pending" {
                let by_initiator = tx.authorize_id.as_deref() == Some(client_id);
                if approve {
                    tx.approver_count += 1;
                    tx.initiator_authorized |= by_initiator;
                    if tx.approver_count >= tx.threshold_required {
                        tx.status = "approved".into();
                    }
                } else {
                    tx.status = if by_initiator {
                        "initiate_rejected"
                    } else {
                        "custody_rejected"
                    }
                    .into();
                }
            }
            tx.clone()
        });
        Ok((action, transfer))
    }
}
