using Dapper;
using StudyBot.Data;

// Every Dapper call is generated at build time (Dapper.AOT): no IL is emitted at run time, which a
// native (ahead-of-time compiled) build of the bot cannot do, and a parameter the SQL does not use
// fails the build. How calls are written for it:
// - Every call passes commandTimeout (Database.CommandTimeoutSeconds): without it the generated
//   code sets 0, which both drivers read as no limit.
// - A statement's cancellation token travels in its parameter object beside its parameters (a
//   CancellationToken member is never bound), since CommandDefinition is not supported. A
//   statement without parameters, one whose SQL is built at run time (migrations, dialect
//   statements, id lists) and a batch carry none: the generator drops a lone token and cannot
//   combine one with run-time SQL (1.1.0). Their command timeout bounds them; most run inside a
//   write transaction that is cancelled as a whole.
// - Parameter and row types are named or anonymous, never object or private, and batches are
//   arrays or sequences, not lists.
// - Instants and days are read and written by the handlers declared here; a bare DateOnly result
//   is read through a one-member row.
[module: DapperAot]
[module: TypeHandler(typeof(DateTime), typeof(UtcDateTimeHandler))]
[module: TypeHandler(typeof(DateOnly), typeof(DateOnlyHandler))]
