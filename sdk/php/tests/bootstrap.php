<?php

declare(strict_types=1);

// The package under test. INEXOPAY_AUTOLOAD names the vendor/autoload.php of a project that installed
// inexopay/inexopay-php with Composer (the .NET spec installs it from a path repository into a temp project), so the
// installed copy is what gets tested. Without it: this checkout (its Composer autoloader, or a PSR-4 loader).
$installed = getenv('INEXOPAY_AUTOLOAD');
if (is_string($installed) && $installed !== '') {
    if (!is_file($installed)) {
        fwrite(STDERR, "INEXOPAY_AUTOLOAD=$installed does not exist\n");
        exit(2);
    }
    require $installed;
} elseif (is_file(__DIR__ . '/../vendor/autoload.php')) {
    require __DIR__ . '/../vendor/autoload.php';
} else {
    spl_autoload_register(static function (string $class): void {
        if (str_starts_with($class, 'Inexopay\\') && !str_starts_with($class, 'Inexopay\\Tests\\')) {
            $file = __DIR__ . '/../src/' . str_replace('\\', '/', substr($class, strlen('Inexopay\\'))) . '.php';
            if (is_file($file)) {
                require $file;
            }
        }
    });
}

// The tests' own helpers.
spl_autoload_register(static function (string $class): void {
    if (str_starts_with($class, 'Inexopay\\Tests\\')) {
        $file = __DIR__ . '/' . str_replace('\\', '/', substr($class, strlen('Inexopay\\Tests\\'))) . '.php';
        if (is_file($file)) {
            require $file;
        }
    }
});
