using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Skyhook.Controller.Storage;

internal sealed class RevisionEntityConfiguration : IEntityTypeConfiguration<RevisionEntity>
{
    public void Configure(EntityTypeBuilder<RevisionEntity> builder)
    {
        builder.ToTable("revision");
        builder.Property(r => r.Id).ValueGeneratedNever();
        builder.HasData(new RevisionEntity { Id = RevisionEntity.SingletonId, Value = 1 });
    }
}
