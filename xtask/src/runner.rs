pub fn protocol_tests(_a: &[String]) -> Result<(), String> { Err("todo".into()) }
pub fn endpoint_tests(_a: &[String]) -> Result<(), String> { Err("todo".into()) }
pub fn demo(_a: &[String]) -> Result<(), String> { Err("todo".into()) }
pub fn test(_a: &[String]) -> Result<(), String> { Err("todo".into()) }
