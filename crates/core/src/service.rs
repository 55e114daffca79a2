//! A service's embedded model data, loaded once per process.

use std::sync::Arc;

use crate::model::{ModelError, ServiceModel};

/// The compact model files a generated crate embeds.
#[derive(Debug)]
pub struct ServiceData {
    /// `service-2.json` without documentation.
    pub model: &'static str,
    /// `endpoint-rule-set-1.json`.
    pub endpoint_rules: Option<&'static str>,
    /// `paginators-1.json`.
    pub paginators: Option<&'static str>,
    /// `waiters-2.json`.
    pub waiters: Option<&'static str>,
}

/// A service ready for clients: the parsed model and the raw documents of its
/// endpoint rules, paginators and waiters.
#[derive(Debug, Clone)]
pub struct Service {
    /// The parsed model.
    pub model: Arc<ServiceModel>,
    /// Endpoint rule set JSON.
    pub endpoint_rules: Option<&'static str>,
    /// Paginators JSON.
    pub paginators: Option<&'static str>,
    /// Waiters JSON.
    pub waiters: Option<&'static str>,
}

/// The outcome of loading embedded data (kept, so a defect is reported by
/// every client constructor rather than by a panic).
#[derive(Debug)]
pub struct LoadedService(Result<Service, ModelError>);

impl LoadedService {
    /// Parses the embedded data.
    pub fn load(data: &ServiceData) -> LoadedService {
        LoadedService(ServiceModel::from_json(data.model).map(|model| Service {
            model: Arc::new(model),
            endpoint_rules: data.endpoint_rules,
            paginators: data.paginators,
            waiters: data.waiters,
        }))
    }

    /// The service, or the error found while loading it.
    pub fn get(&self) -> Result<&Service, &ModelError> {
        self.0.as_ref()
    }
}
