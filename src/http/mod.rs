//! Sends the exact signed bytes and captures the response.
