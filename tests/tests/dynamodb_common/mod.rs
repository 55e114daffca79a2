//! DynamoDB pieces shared by the test binaries that use tables.

use myaws_dynamodb::types::{
    AttributeDefinition, CreateTableInput, KeySchemaElement, KeyType, ScalarAttributeType,
};

/// A pay-per-request table keyed by the string `id`.
pub fn create_table_input(name: &str) -> CreateTableInput {
    CreateTableInput::default()
        .table_name(name)
        .attribute_definitions(vec![AttributeDefinition::default()
            .attribute_name("id")
            .attribute_type(ScalarAttributeType::S)])
        .key_schema(vec![KeySchemaElement::default()
            .attribute_name("id")
            .key_type(KeyType::Hash)])
        .billing_mode("PAY_PER_REQUEST")
}
