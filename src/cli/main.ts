// Entry point of the `manifold` command.
process.stdout.write('manifold\n');
