pub fn regen(_args: &[String]) -> Result<(), String> { Err("todo".into()) }
