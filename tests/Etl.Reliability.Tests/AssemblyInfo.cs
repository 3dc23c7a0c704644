// Every test drives etl child processes in its own temp data root: independent tests run side by side.
[assembly: LevelOfParallelism(3)]
