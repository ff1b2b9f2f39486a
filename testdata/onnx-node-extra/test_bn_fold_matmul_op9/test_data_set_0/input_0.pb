BaJÖI—=~v?g¹J¿yCX¿Ái
?çŠ¾