// An operator mistake found at start-up: main prints the message as one line and exits 1. The message
// says what is wrong and what to do; it never holds a secret.
export class StartupRefused extends Error {}
