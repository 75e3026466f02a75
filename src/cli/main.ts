// Placeholder until the command line lands; replaced by the commander entry point.
console.log('palimpsest: not yet');
