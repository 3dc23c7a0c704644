using System.Runtime.CompilerServices;

// The delivery tests reach the uploader's internals (Retry-After, ordering, the ledger) directly.
[assembly: InternalsVisibleTo("Etl.Delivery.Tests")]
