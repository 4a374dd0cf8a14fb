//! Code a user wrote against the crate generated from `v1.yaml`: it must compile unchanged against the crate
//! generated from `v2.yaml` (additive changes only), and must not against `v3.yaml`'s.

use std::time::Duration;

use api::{Client, Error, GetPetError, ListPetsError, types};

pub async fn use_the_api(client: &Client) -> Result<String, Box<dyn std::error::Error>> {
    // A request body: built from its required properties, optional ones assigned by name.
    let mut new_pet = types::NewPet::new("Rex");
    new_pet.tag = Some("dog".to_owned());
    let created = client.create_pet(&new_pet).await?;

    // Required inputs as arguments, optional ones by name, per-call options.
    let pets = client.list_pets().limit(10).with_timeout(Duration::from_secs(5)).await;
    let count = match pets {
        Ok(pets) => pets.len(),
        Err(Error::Api { error: ListPetsError::BadRequest(problem), .. }) => return Err(problem.message.into()),
        Err(other) => return Err(other.into()),
    };

    // Reading a response: fields, and an enum matched with a fallback arm.
    let pet = match client.get_pet(created.id).await {
        Ok(pet) => pet.into_inner(),
        Err(Error::Api { error: GetPetError::NotFound(problem), .. }) => return Err(problem.message.into()),
        Err(other) => return Err(other.into()),
    };
    let status = match &pet.status {
        types::Status::Available => "available",
        types::Status::Sold => "sold",
        _ => "something else",
    };

    // A value built for a test double.
    let mut fake = types::Pet::new(7, "Fake", types::Status::Available);
    fake.tag = pet.tag.clone();
    Ok(format!("{count} pets; {} is {status}; {}", pet.name, fake.name))
}
